// hostwatch live updates: the server pushes events (Server-Sent Events from /api/v1/stream);
// on one, the page fetches its own URL again and swaps in the freshly rendered parts, so the
// sorting, formatting and escaping stay the server's alone. Without JavaScript the pages
// simply do not update by themselves.
"use strict";

(function () {
  const QUIET_MS = 1000; // several events within a second cause one refresh
  const parts = [
    "#notices", "#fleet", ".summary", "#server", "#charts", "#server-alerts", "#alerts",
    "#container-charts", "#services", "#processes",
  ];
  let timer = null;

  let ended = false;

  // Once the page may no longer be read (the session expired, was ended elsewhere, the password
  // changed), what it shows goes stale: say so, once, at the top, and stop updating.
  function accessEnded() {
    if (ended) return;
    ended = true;
    if (events) events.close();
    const next = window.location.pathname + window.location.search;
    const note = document.createElement("p");
    note.className = "problem stale";
    note.setAttribute("role", "alert");
    note.dataset.role = "access-ended";
    note.append(
      "Your access to this page has ended (signed out, or the session expired): " +
        "what it shows is no longer updated. ",
    );
    const link = document.createElement("a");
    link.href = "/login?" + new URLSearchParams({ next: next }).toString();
    link.textContent = "Log in again";
    note.append(link);
    document.querySelector("main").prepend(note);
    document.body.dataset.stale = "access";
  }

  function refused(response) {
    // A page asked for without access is answered by a redirect to /login (fetch follows it).
    return response.status === 401 || response.status === 403 ||
      (response.redirected && new URL(response.url).pathname === "/login");
  }

  function refresh() {
    timer = null;
    if (ended) return;
    fetch(window.location.href, { headers: { Accept: "text/html" } })
      .then((response) => {
        if (refused(response)) {
          accessEnded();
          return Promise.reject(response.status);
        }
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html");
        for (const selector of parts) {
          const here = document.querySelector(selector);
          const there = fresh.querySelector(selector);
          if (here && there) here.replaceWith(document.importNode(there, true));
        }
        // Every swapped chart: the server page's and its containers' (#container-charts).
        if (window.hostwatchCharts) window.hostwatchCharts.drawAll();
        if (window.hostwatchFleet) window.hostwatchFleet.filter();
        tick();
        localTimes();
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

  // The browser reconnects a dropped stream by itself, but gives up on an answer that is not
  // an event stream (a 401 once access has ended): then ask whether access remains.
  function lost() {
    if (events.readyState !== EventSource.CLOSED) return;
    fetch("/api/v1/me", { headers: { Accept: "application/json" } })
      .then((response) => {
        if (refused(response)) accessEnded();
      })
      .catch(() => {});
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

  // Moments the server wrote in UTC (<time data-local>), shown in the browser's time zone
  // unless the UTC switch is on; the RFC 3339 form stays in datetime and title.
  function localTimes() {
    if (window.localStorage.getItem("hostwatch.utc") === "1") return;
    const two = (n) => String(n).padStart(2, "0");
    for (const time of document.querySelectorAll("time[data-local]")) {
      const at = new Date(time.getAttribute("datetime"));
      if (Number.isNaN(at.getTime())) continue;
      time.textContent = at.getFullYear() + "-" + two(at.getMonth() + 1) + "-" + two(at.getDate()) +
        " " + two(at.getHours()) + ":" + two(at.getMinutes()) + ":" + two(at.getSeconds());
    }
  }
  localTimes();

  const url = source();
  let events = null;
  if (url && window.EventSource) {
    events = new EventSource(url);
    events.addEventListener("error", lost);
    events.addEventListener("reset", soon);
    // The stream reports changes after it connects; one refresh on (re)connecting covers what
    // changed between rendering the page (or losing the connection) and subscribing.
    events.addEventListener("open", soon);
    events.addEventListener("health", soon);
    events.addEventListener("scrape", soon);
    events.addEventListener("alerts", soon);
    events.addEventListener("scrapers", soon);
  }
})();
