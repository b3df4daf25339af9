"""The keys of a threshold rule (alerts.yml's ``rules:``), one list for the scraper that reads
them (scraper/alerts/sections.py) and the web app whose form proposes them
(web/views/entry_forms.py), which may not import the scraper."""

from __future__ import annotations

RULE_KEYS = (
    "alert",
    "metric",
    "matchers",
    "op",
    "threshold",
    "for",
    "severity",
    "labels",
    "summary",
    "description",
    "enabled",
)
RECEIVER_KEY = "receiver"
"""What a rule created in the browser or over the API adds: the receiver its alerts go to."""
FORM_KEYS = (*(key for key in RULE_KEYS if key not in ("labels", "enabled")), RECEIVER_KEY)
"""The keys the /alerts page's rule form edits; labels and enabled are left to alerts.yml."""
