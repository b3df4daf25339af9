// hostwatch metric explorer: narrows the series list as you type. The server filters the same
// way (name or label text, case-insensitive) when the search form is submitted, so without
// JavaScript the page works the same, one submit later.
"use strict";

(function () {
  const input = document.querySelector("#metric-search");
  const items = document.querySelectorAll("#series-list li[data-search]");
  if (!input) return;
  input.addEventListener("input", () => {
    const wanted = input.value.trim().toLowerCase();
    for (const item of items) item.hidden = wanted !== "" && !item.dataset.search.includes(wanted);
  });
})();
