// hostwatch live updates: the server pushes events (Server-Sent Events from /api/v1/stream);
// on one, the page fetches its own URL again and swaps in the freshly rendered parts, so the
// sorting, formatting and escaping stay the server's alone. Without JavaScript the pages
// simply do not update by themselves.
"use strict";

(function () {
  const QUIET_MS = 1000; // several events within a second cause one refresh
  const parts = ["#notices", "#fleet", ".summary", "#server", "#charts", "#server-alerts", "#alerts"];
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
        if (window.hostwatchCharts) window.hostwatchCharts.drawAll(document.querySelector("#charts"));
        if (window.hostwatchFleet) window.hostwatchFleet.filter();
        tick();
        document.title = fresh.title;
        setSkew(fresh.body);
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
    return document.querySelector("#fleet, #alerts, #notices") ? "/api/v1/stream" : null;
  }

  // Relative times ("15s ago") count on between refreshes.
  function span(seconds) {
    const units = [[86400, "d"], [3600, "h"], [60, "m"], [1, "s"]];
    let left = Math.max(0, Math.round(seconds));
    const parts = [];
    for (const [size, unit] of units) {
      if (left >= size || (size === 1 && parts.length === 0)) {
        parts.push(Math.floor(left / size) + unit);
        left %= size;
      }
    }
    return parts.slice(0, 2).join(" ");
  }

  // Ages count from the server's clock (the page says what it was), not this machine's.
  let skew = 0;
  function setSkew(body) {
    const now = Number(body.dataset.nowMs);
    if (now) skew = now - Date.now();
  }
  setSkew(document.body);

  function tick() {
    for (const time of document.querySelectorAll("time[data-ago]")) {
      const at = Date.parse(time.getAttribute("datetime"));
      if (!Number.isNaN(at)) time.textContent = span((Date.now() + skew - at) / 1000) + " ago";
    }
  }
  window.setInterval(tick, 1000);

  const url = source();
  if (url && window.EventSource) {
    const events = new EventSource(url);
    // The stream reports changes after it connects; one refresh on (re)connecting covers what
    // changed between rendering the page (or losing the connection) and subscribing.
    events.addEventListener("open", soon);
    events.addEventListener("health", soon);
    events.addEventListener("scrape", soon);
    events.addEventListener("alerts", soon);
    events.addEventListener("scrapers", soon);
  }
})();
