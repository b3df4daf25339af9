// hostwatch overview: the search box narrows the rows as you type (the server filters the
// same way, instance, job or label text, when the form is submitted), and the compare button
// shows once two servers are ticked.
"use strict";

(function () {
  const input = document.querySelector("#fleet-search");
  if (!input) return;

  function filter() {
    const wanted = input.value.trim().toLowerCase();
    for (const row of document.querySelectorAll("#fleet tr[data-search]")) {
      row.hidden = wanted !== "" && !row.dataset.search.includes(wanted);
    }
    for (const body of document.querySelectorAll("#fleet tbody")) {
      const group = body.querySelector("tr.group");
      if (group) group.hidden = !body.querySelector("tr[data-search]:not([hidden])");
    }
  }

  input.addEventListener("input", filter);
  window.hostwatchFleet = { filter };
  filter();
})();
