// hostwatch range form: typed times are read by the server in the browser's time zone (or UTC
// with the switch): this keeps that zone in the form's `tz` field and in a cookie (so links
// and reloads read the same), shows the range in it, adds the UTC switch, and keeps each
// native date-time picker and its text field in step. The parsing stays on the server
// (web/views/moments.py); without JavaScript the form works as it is, in UTC.
"use strict";

(function () {
  const form = document.querySelector("form.range");
  if (!form) return;
  const UTC_KEY = "hostwatch.utc";
  const COOKIE = "hostwatch_tz";

  function utc() {
    return window.localStorage.getItem(UTC_KEY) === "1";
  }

  function zone() {
    return utc() ? "UTC" : Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  function parts(ms, options) {
    const found = {};
    const all = Object.assign({ hourCycle: "h23" }, options, utc() ? { timeZone: "UTC" } : {});
    for (const p of new Intl.DateTimeFormat("en-GB", all).formatToParts(new Date(ms))) found[p.type] = p.value;
    return found;
  }

  // "2026-12-02 00:50", as people type it and as the server reads it back.
  function typed(ms) {
    const p = parts(ms, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute;
  }

  // "Tue 2 Dec 00:50", with the year when it is not this one: as the server echoes a range.
  function shown(ms) {
    const p = parts(ms, { weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
    const now = Number(document.body.dataset.nowMs) || Date.now();  // the server's clock
    const year = p.year === parts(now, { year: "numeric" }).year ? "" : " " + p.year;
    return p.weekday + " " + p.day + " " + p.month + year + " " + p.hour + ":" + p.minute;
  }

  // The server wrote the range in the zone it was asked for; show it in this one. An empty
  // field stays empty; a relative one ("-3h") or a mistyped one keeps what was typed.
  function applyZone() {
    const name = zone();
    window.hostwatchFields.hidden(form, "tz", name);
    document.cookie = COOKIE + "=" + encodeURIComponent(name) + "; path=/; max-age=31536000; samesite=lax";
    const note = document.querySelector("[data-role=zone]");
    if (note) note.textContent = utc() ? "UTC" : "local time (" + name + ")";
    for (const field of form.querySelectorAll("input[data-ms]")) field.value = typed(Number(field.dataset.ms));
    for (const echo of document.querySelectorAll("#range-echo [data-ms]")) echo.textContent = shown(Number(echo.dataset.ms));
    for (const picker of form.querySelectorAll("input[type=datetime-local]")) {
      const text = document.getElementById(picker.dataset.for);
      picker.value = text.dataset.ms ? typed(Number(text.dataset.ms)).replace(" ", "T") : "";
    }
  }

  function utcSwitch() {
    const label = document.createElement("label");
    label.className = "utc-switch";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = "utc";
    box.checked = utc();
    box.addEventListener("change", () => {
      window.localStorage.setItem(UTC_KEY, box.checked ? "1" : "0");
      applyZone();
      document.dispatchEvent(new Event("hostwatch:zone"));
    });
    label.append(box, " UTC");
    form.appendChild(label);
  }

  // With a script the text field is what is sent: a picked time is written into it.
  function pickers() {
    for (const picker of form.querySelectorAll("input[type=datetime-local]")) {
      const text = document.getElementById(picker.dataset.for);
      picker.removeAttribute("name");
      picker.addEventListener("change", () => {
        if (picker.value) text.value = picker.value.replace("T", " ");
        text.removeAttribute("aria-invalid");
      });
    }
  }

  pickers();
  utcSwitch();
  applyZone();
})();
