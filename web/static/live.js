// hostwatch live updates: the server pushes events (Server-Sent Events from /api/v1/stream);
// on one, the page fetches its own URL again and swaps in the freshly rendered parts, so the
// sorting, formatting and escaping stay the server's alone. Without JavaScript the pages
// simply do not update by themselves.
"use strict";

(function () {
  const QUIET_MS = 1000; // several events within a second cause one refresh
  const parts = [
    "#fleet tbody", ".summary", "#server", "#charts", "#server-alerts", "#alerts",
    "#container-charts", "#services",
  ];
  let timer = null;

  function refresh() {
    timer = null;
    fetch(window.location.href, { headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html");
        for (const selector of parts) {
          const here = document.querySelector(selector);
          const there = fresh.querySelector(selector);
          if (here && there) here.replaceWith(document.importNode(there, true));
        }
        document.title = fresh.title;
        document.body.dataset.refreshed = String(Date.now());
      })
      .catch(() => {}); // the next event tries again
  }

  function soon() {
    if (timer === null) timer = window.setTimeout(refresh, QUIET_MS);
  }

  function source() {
    const server = document.querySelector("#server");
    if (server) {
      const query = new URLSearchParams({ server: server.dataset.instance, job: server.dataset.job });
      return "/api/v1/stream?" + query.toString();
    }
    return document.querySelector("#fleet, #alerts") ? "/api/v1/stream" : null;
  }

  const url = source();
  if (url && window.EventSource) {
    const events = new EventSource(url);
    // The stream reports changes after it connects; one refresh on (re)connecting covers what
    // changed between rendering the page (or losing the connection) and subscribing.
    events.addEventListener("open", soon);
    events.addEventListener("health", soon);
    events.addEventListener("scrape", soon);
    events.addEventListener("alerts", soon);
  }
})();
