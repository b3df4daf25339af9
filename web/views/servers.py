"""Finding and filtering targets, shared by the API and the pages."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.datastructures import QueryParams

from model.health import Health
from model.matchers import Matcher
from storage import Storage, TargetHealth
from web.http import params
from web.http.errors import BadParameter, NotFound

STATES: tuple[Health, ...] = ("up", "down", "unknown")


@dataclass(frozen=True, slots=True)
class Filters:
    """``job=``, ``state=`` and label matchers in the matcher syntax of query_range's
    ``match[]`` (``env="prod"``, ``{env=~"prod|staging", role!="db"}``; all must hold).

    ``label=key:value`` is a deprecated alias of ``match[]=key="value"``, kept for old clients.
    """

    job: str = ""
    state: Health | None = None
    matchers: tuple[Matcher, ...] = ()

    @classmethod
    def from_query(cls, query: QueryParams) -> Filters:
        state = query.get("state", "")
        old = [params.label_pair("label", value) for value in query.getlist("label") if value]
        return cls(
            job=query.get("job", ""),
            state=params.choice("state", state, STATES) if state else None,
            matchers=(
                *params.matchers("match[]", [v for v in query.getlist("match[]") if v]),
                *(Matcher(key, "=", value) for key, value in old),
            ),
        )

    @property
    def selector(self) -> str:
        """The matchers as one ``match[]`` value, to show in a form."""
        return ", ".join(
            f"{m.name}{m.op}{json.dumps(m.value, ensure_ascii=False)}" for m in self.matchers
        )

    def keep(self, target: TargetHealth) -> bool:
        if self.job and target.job != self.job:
            return False
        if self.state and target.health != self.state:
            return False
        labels = {**dict(target.labels), "job": target.job, "instance": target.instance}
        return all(matcher.matches(labels) for matcher in self.matchers)

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
