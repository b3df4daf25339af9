// hostwatch registered servers: after "Add server", show the new server's first scrape as it
// happens (up, or the reason it failed), polling the API until the scraper has reported it.
"use strict";

(function () {
  const box = document.querySelector("#first-scrape");
  if (!box) return;
  const shown = box.querySelector("[data-role=first-scrape]");
  const url = "/api/v1/servers/" + encodeURIComponent(box.dataset.address).replace("%3A", ":") +
    "?job=" + encodeURIComponent(box.dataset.job);

  async function poll() {
    const answer = await fetch(url, { headers: { Accept: "application/json" } });
    if (answer.status === 404) {
      setTimeout(poll, 1000); // not scraped yet
      return;
    }
    const server = await answer.json();
    if (!answer.ok) {
      shown.textContent = server.detail || "the server could not be read";
    } else if (server.health === "up") {
      shown.textContent = "up";
    } else {
      shown.textContent = "down: " + (server.last_error || "no answer");
      setTimeout(poll, 2000); // it may come up once the exporter runs
    }
    box.dataset.health = server.health || "error";
  }

  poll();
})();
