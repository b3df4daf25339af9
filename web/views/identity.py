"""Who a server is: hostname, OS and kernel from node_uname_info and node_os_info labels."""

from __future__ import annotations

from model.matchers import Matcher
from storage import TargetHealth
from web.views.headline import readings
from web.views.reads import Ranges

# (field shown, info metric, its label)
FIELDS = (
    ("hostname", "node_uname_info", "nodename"),
    ("kernel", "node_uname_info", "release"),
    ("architecture", "node_uname_info", "machine"),
    ("os", "node_os_info", "pretty_name"),
)


def of(storage: Ranges, target: TargetHealth) -> dict[str, str]:
    """The identity fields the target reported in its last successful scrape."""
    if target.last_seen_ms is None:
        return {}
    mine = [Matcher("job", "=", target.job), Matcher("instance", "=", target.instance)]
    metrics = sorted({metric for _, metric, _ in FIELDS})
    found = readings(storage, [(m, "last") for m in metrics], mine, target.last_seen_ms)
    labels = {
        metric: first[0][0]
        for metric, by_target in zip(metrics, found, strict=True)
        for first in by_target.values()
    }
    return {
        shown: labels[metric][label]
        for shown, metric, label in FIELDS
        if label in labels.get(metric, {})
    }
