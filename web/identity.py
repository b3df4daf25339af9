"""Who a server is: hostname, OS and kernel from node_uname_info and node_os_info labels."""

from __future__ import annotations

from scraper.storage import Matcher, Storage, TargetHealth
from web.headline import readings

# (field shown, info metric, its label)
FIELDS = (
    ("hostname", "node_uname_info", "nodename"),
    ("kernel", "node_uname_info", "release"),
    ("architecture", "node_uname_info", "machine"),
    ("os", "node_os_info", "pretty_name"),
)


def of(storage: Storage, target: TargetHealth) -> dict[str, str]:
    """The identity fields the target reported in its last successful scrape."""
    if target.last_seen_ms is None:
        return {}
    mine = [Matcher("job", "=", target.job), Matcher("instance", "=", target.instance)]
    labels = {
        metric: found[0][0]
        for metric in {metric for _, metric, _ in FIELDS}
        for found in readings(storage, metric, mine, target.last_seen_ms, "last").values()
    }
    return {
        shown: labels[metric][label]
        for shown, metric, label in FIELDS
        if label in labels.get(metric, {})
    }
