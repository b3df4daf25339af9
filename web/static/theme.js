// hostwatch theme: light or dark follows the system unless chosen with the header's button
// (kept in localStorage). Loaded before the body so the page never flashes the other theme.
"use strict";

(function () {
  const KEY = "hostwatch.theme";
  const ORDER = ["system", "light", "dark"];
  const LABEL = { system: "◐ Auto", light: "☀ Light", dark: "☾ Dark" };
  const root = document.documentElement;

  function apply(choice) {
    if (choice === "system") delete root.dataset.theme; else root.dataset.theme = choice;
  }

  let choice = window.localStorage.getItem(KEY) || "system";
  if (!ORDER.includes(choice)) choice = "system";
  apply(choice);

  document.addEventListener("DOMContentLoaded", () => {
    const header = document.querySelector("header.top");
    if (!header) return;
    const button = document.createElement("button");
    button.type = "button";
    button.id = "theme";
    button.title = "Colour theme: automatic (the system's), light or dark";
    button.textContent = LABEL[choice];
    button.addEventListener("click", () => {
      choice = ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length];
      window.localStorage.setItem(KEY, choice);
      apply(choice);
      button.textContent = LABEL[choice];
      if (window.hostwatchCharts) window.hostwatchCharts.drawAll();
    });
    header.appendChild(button);
  });
})();
