// hostwatch metric explorer: narrows the series list as you type, and keeps what was typed in
// the series links, the range buttons and the address (so a click or a reload keeps the search);
// ticking a series charts the ticked ones at once. The server filters the same way (name or
// label text, case-insensitive) when the form is submitted, so without JavaScript the page
// works the same, one submit later.
"use strict";

(function () {
  const form = document.querySelector("#explore-form");
  const input = document.querySelector("#metric-search");
  const items = document.querySelectorAll("#series-list li[data-search]");
  if (!form || !input) return;

  function withSearch(href, wanted) {
    const url = new URL(href, window.location.href);
    if (wanted) url.searchParams.set("q", wanted);
    else url.searchParams.delete("q");
    return url.pathname + url.search;
  }

  function keepSearch(wanted) {
    for (const link of document.querySelectorAll("#series-list a, #clear-chart")) {
      link.setAttribute("href", withSearch(link.getAttribute("href"), wanted));
    }
    for (const range of document.querySelectorAll("form.range")) {
      window.hostwatchFields.hidden(range, "q", wanted);
    }
    window.history.replaceState(null, "", withSearch(window.location.href, wanted));
  }

  input.addEventListener("input", () => {
    const wanted = input.value.trim().toLowerCase();
    for (const item of items) item.hidden = wanted !== "" && !item.dataset.search.includes(wanted);
    keepSearch(input.value.trim());
  });
  for (const box of document.querySelectorAll("#series-list input[type=checkbox]")) {
    box.addEventListener("change", () => form.requestSubmit());
  }
})();
