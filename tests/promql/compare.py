"""Two Prometheus API answers compared: the same series, timestamps and values."""

from __future__ import annotations

import math
from typing import Any

REL = 1e-6
# Values a float rounding away from zero (0 against 1e-17 after a subtraction) still agree.
ABS = 1e-9

Key = tuple[tuple[str, str], ...]


def difference(ours: dict[str, Any], theirs: dict[str, Any]) -> str | None:
    """None if the two ``data`` objects agree, else what differs first."""
    if ours["resultType"] != theirs["resultType"]:
        return f"resultType {ours['resultType']} != {theirs['resultType']}"
    if theirs["resultType"] in ("scalar", "string"):
        return _points([ours["result"]], [theirs["result"]], "scalar")
    mine, reference = _by_metric(ours["result"]), _by_metric(theirs["result"])
    if set(mine) != set(reference):
        extra = sorted(set(mine) - set(reference))[:2]
        missing = sorted(set(reference) - set(mine))[:2]
        return f"series differ: extra {extra}, missing {missing}"
    for key, points in reference.items():
        found = _points(mine[key], points, str(dict(key)))
        if found:
            return found
    return None


def _by_metric(result: list[dict[str, Any]]) -> dict[Key, list[list[Any]]]:
    return {
        tuple(sorted(row["metric"].items())): row.get("values") or [row["value"]] for row in result
    }


def _points(mine: list[list[Any]], theirs: list[list[Any]], what: str) -> str | None:
    if [float(p[0]) for p in mine] != [float(p[0]) for p in theirs]:
        return f"{what}: timestamps differ ({len(mine)} points, {len(theirs)} expected)"
    for (t, a), (_, b) in zip(mine, theirs, strict=True):
        x, y = float(a), float(b)
        if not (math.isnan(x) and math.isnan(y)) and not math.isclose(
            x, y, rel_tol=REL, abs_tol=ABS
        ):
            return f"{what}: at {t} {a} != {b}"
    return None


def _close(x: float, y: float) -> bool:
    both_nan = math.isnan(x) and math.isnan(y)
    return both_nan or math.isclose(x, y, rel_tol=REL, abs_tol=ABS)


def has_data(data: dict[str, Any]) -> bool:
    """Whether Prometheus answered with something: a series, or a scalar that is not NaN."""
    if data["resultType"] == "scalar":
        return not math.isnan(float(data["result"][1]))
    return bool(data["result"])
