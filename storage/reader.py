"""Series lookup and latest values.

The metric name, job and instance are filtered in SQL (indexed columns); every matcher is then
applied in Python to that candidate set (model.matchers, RE2), which keeps regex semantics the
same on both backends instead of two SQL regex dialects.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlalchemy import Connection, Select, func, select

from model.matchers import Matcher
from model.names import is_metric_name
from model.samples import Labels
from model.staleness import is_stale
from storage import codec, markers, schema
from storage.model import LatestSample, Series
from storage.series import chunks, labels_from_json

_INDEXED = ("job", "instance")


def find_series(conn: Connection, metric: str | None, matchers: Sequence[Matcher]) -> list[Series]:
    table = schema.series
    query = select(table.c.id, table.c.name, table.c.labels).order_by(table.c.id)
    names = [metric] if metric is not None else _names(matchers)
    if names:
        query = query.where(table.c.name.in_(names))
    for matcher in matchers:
        if matcher.op == "=" and matcher.name in _INDEXED and matcher.value:
            query = query.where(table.c[matcher.name] == matcher.value)
    found = (Series(id_, name, _labels(text)) for id_, name, text in conn.execute(query).all())
    return [s for s in found if all(m.matches(_match_view(s)) for m in matchers)]


def _names(matchers: Sequence[Matcher]) -> list[str]:
    """The metric names a ``__name__`` matcher allows, when it lists them: {__name__="x"} and
    {__name__=~"x|y"} are found through the name's index like x{} (matchers still apply)."""
    for m in matchers:
        if m.name == "__name__" and m.op == "=":
            return [m.value]
        listed = m.value.split("|")
        if m.name == "__name__" and m.op == "=~" and all(map(is_metric_name, listed)):
            return listed
    return []


@functools.lru_cache(maxsize=1 << 16)
def _labels(text: str) -> Labels:
    """Parsed once per process: a series' labels never change, and a dashboard reads the same
    few thousand series every few seconds."""
    return labels_from_json(text)


def _match_view(series: Series) -> dict[str, str]:
    return {"__name__": series.name, **dict(series.labels)}


def latest(conn: Connection, job: str, instance: str, since_ms: int) -> list[LatestSample]:
    """The newest sample at or after `since_ms` of every series of the target; a series whose
    newest sample is a stale marker has no latest value (it is left out)."""
    series = find_series(conn, None, [Matcher("job", "=", job), Matcher("instance", "=", instance)])
    by_id = {s.id: s for s in series}
    newest: dict[int, tuple[int, float]] = {}
    for ids in chunks(list(by_id)):
        for series_id, t, value in conn.execute(_latest_query(ids, since_ms)):
            newest[series_id] = (t, markers.value_of(value))
        newest.update(_newest_compacted(conn, ids, since_ms, newest))
    return [
        LatestSample(by_id[i], t, value)
        for i, (t, value) in sorted(newest.items())
        if not is_stale(value)
    ]


def _newest_compacted(
    conn: Connection, ids: Sequence[int], since_ms: int, plain: dict[int, tuple[int, float]]
) -> dict[int, tuple[int, float]]:
    """The last sample of each series' newest chunk, where it is newer than its plain rows:
    only those chunks are fetched and decoded."""
    c = schema.chunks
    newest: dict[int, tuple[int, int]] = {}
    for series_id, start, last_t in conn.execute(
        select(c.c.series_id, c.c.start, c.c.last_t).where(
            c.c.series_id.in_(ids), c.c.last_t >= since_ms
        )
    ):
        floor = max(plain.get(series_id, (since_ms - 1, 0.0))[0], newest.get(series_id, (0, 0))[1])
        if last_t > floor:
            newest[series_id] = (start, last_t)
    if not newest:
        return {}
    wanted = {(i, start) for i, (start, _) in newest.items()}
    found: dict[int, tuple[int, float]] = {}
    for series_id, start, data in conn.execute(
        select(c.c.series_id, c.c.start, c.c.data).where(
            c.c.series_id.in_(list(newest)), c.c.start.in_({s for _, s in wanted})
        )
    ):
        if (series_id, start) in wanted:
            times, values = codec.decode(data)
            found[series_id] = (int(times[-1]), float(values[-1]))
    return found


def _latest_query(ids: Sequence[int], since_ms: int) -> Select[int, int, float | None]:
    samples = schema.samples
    newest = (
        select(samples.c.series_id, func.max(samples.c.t).label("t"))
        .where(samples.c.series_id.in_(ids), samples.c.t >= since_ms)
        .group_by(samples.c.series_id)
        .subquery()
    )
    return (
        select(samples.c.series_id, samples.c.t, samples.c.value)
        .join(newest, (samples.c.series_id == newest.c.series_id) & (samples.c.t == newest.c.t))
        .where(samples.c.t >= since_ms)
    )
