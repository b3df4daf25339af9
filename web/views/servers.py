"""Finding and filtering targets, shared by the API and the pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.datastructures import QueryParams

from storage import Storage, TargetHealth
from storage.model import Health
from web.http import params
from web.http.errors import BadParameter, NotFound

STATES: tuple[Health, ...] = ("up", "down", "unknown")


@dataclass(frozen=True, slots=True)
class Filters:
    """``job=``, ``state=`` and any number of ``label=key:value`` (all must hold)."""

    job: str = ""
    state: Health | None = None
    labels: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_query(cls, query: QueryParams) -> Filters:
        state = query.get("state", "")
        return cls(
            job=query.get("job", ""),
            state=params.choice("state", state, STATES) if state else None,
            labels=tuple(params.label_pair("label", v) for v in query.getlist("label") if v),
        )

    def keep(self, target: TargetHealth) -> bool:
        if self.job and target.job != self.job:
            return False
        if self.state and target.health != self.state:
            return False
        labels = {**dict(target.labels), "job": target.job, "instance": target.instance}
        return all(labels.get(key) == value for key, value in self.labels)

    def apply(self, targets: Sequence[TargetHealth]) -> list[TargetHealth]:
        return [target for target in targets if self.keep(target)]


def find(storage: Storage, instance: str, job: str = "") -> TargetHealth:
    """The target ``instance`` (of ``job`` when several jobs scrape it), or NotFound."""
    if job and "\0" not in job + instance:  # PostgreSQL refuses NUL in a string parameter
        one = storage.target(job, instance)
        found = [one] if one else []
    else:
        found = [t for t in storage.targets() if t.instance == instance and job in ("", t.job)]
    if not found:
        raise NotFound(f"no server {instance!r}" + (f" in job {job!r}" if job else ""))
    if len(found) > 1:
        jobs = ", ".join(sorted(t.job for t in found))
        raise BadParameter("job", f"{instance!r} is scraped by several jobs ({jobs}); name one")
    return found[0]


def by_key(targets: Sequence[TargetHealth]) -> list[TargetHealth]:
    """Sorted by (job, instance) in code-point order, the order cursors rely on."""
    return sorted(targets, key=lambda t: (t.job, t.instance))
