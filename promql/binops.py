"""Binary operators: arithmetic, comparisons (filtering or ``bool``) and set operators, with
Prometheus's vector matching (on/ignoring, group_left/group_right) step by step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import promql_parser as ast

from model.errors import PromQLError
from promql.values import (
    NAME,
    Floats,
    Labels,
    Mask,
    Scalar,
    Series,
    Vector,
    drop,
    get,
    keep,
    labels_of,
    text,
    without_name,
)

Arithmetic = Callable[[Floats, Floats], Floats]
Comparison = Callable[[Floats, Floats], Mask]

ARITHMETIC: dict[str, Arithmetic] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "%": np.fmod,  # Go's math.Mod: the sign of the dividend
    "^": np.power,
    "atan2": np.arctan2,
}
COMPARISON: dict[str, Comparison] = {
    "==": np.equal,
    "!=": np.not_equal,
    ">": np.greater,
    "<": np.less,
    ">=": np.greater_equal,
    "<=": np.less_equal,
}
SET = ("and", "or", "unless")
CLASH = "vector cannot contain metrics with the same labelset"
# Prometheus 2.42 keeps the metric name through atan2 (and comparisons), not the others.
DROPS_NAME = frozenset(ARITHMETIC) - {"atan2"}


@dataclass(frozen=True, slots=True)
class Matching:
    """How two vectors' series pair up: by the ``on`` labels (or all but ``ignoring``'s and
    the name); ``card`` "one" is one-to-one, "left"/"right" the side with many."""

    on: bool
    labels: tuple[str, ...]
    card: str
    include: tuple[str, ...]
    bool_: bool

    def signature(self, labels: Labels) -> Labels:
        if self.on:
            return keep(labels, self.labels)
        return drop(labels, [*self.labels, NAME])


# The parser's enums are not hashable: keyed by their names.
CARDS = {
    "VectorMatchCardinality.OneToOne": "one",
    "VectorMatchCardinality.ManyToOne": "left",
    "VectorMatchCardinality.OneToMany": "right",
    "VectorMatchCardinality.ManyToMany": "many",
}


def matching(modifier: ast.BinModifier | None) -> Matching:
    if modifier is None:
        return Matching(False, (), "one", (), False)
    found = modifier.matching
    on = found is not None and found.type == ast.LabelModifierType.Include
    labels = tuple(found.labels) if found is not None else ()
    include = tuple(modifier.group_labels or ())
    return Matching(on, labels, CARDS[str(modifier.card)], include, modifier.return_bool)


def _values(op: str, left: Floats, right: Floats) -> tuple[Floats, Mask]:
    """(the result, where it is kept): a comparison keeps the left value where it holds."""
    with np.errstate(all="ignore"):
        if op in ARITHMETIC:
            return ARITHMETIC[op](left, right), np.ones(len(left), dtype=np.bool_)
        if op in COMPARISON:
            return left, COMPARISON[op](left, right)
    raise PromQLError(f"operator {op!r} is not allowed here")


def scalars(op: str, left: Scalar, right: Scalar) -> Scalar:
    values, kept = _values(op, left.values, right.values)
    return Scalar(kept.astype(np.float64) if op in COMPARISON else values)


def with_scalar(op: str, vector: Vector, scalar: Scalar, vector_left: bool, bool_: bool) -> Vector:
    out: Vector = []
    for series in vector:
        left, right = (
            (series.values, scalar.values) if vector_left else (scalar.values, series.values)
        )
        values, kept = _values(op, left, right)
        if op in COMPARISON:
            values = kept.astype(np.float64) if bool_ else series.values
        present = series.present if bool_ or op not in COMPARISON else series.present & kept
        named = op not in DROPS_NAME and not bool_
        labels = series.labels if named else without_name(series.labels)
        if present.any():
            out.append(Series(labels, values, present))
    return out


def vectors(op: str, left: Vector, right: Vector, how: Matching) -> Vector:
    if op in SET:
        return _set(op, left, right, how)
    many, one = (right, left) if how.card == "right" else (left, right)
    ones = _one_side(one, how)
    out = Merged(f"multiple matches for labels: {_hint(how)}")
    for series in many:
        for partner in ones.get(how.signature(series.labels), ()):
            both = series.present & partner.present
            if not both.any():
                continue
            lhs, rhs = (partner, series) if how.card == "right" else (series, partner)
            values, kept = _values(op, lhs.values, rhs.values)
            if how.bool_:
                values, present = kept.astype(np.float64), both
            else:
                present = both & kept
            labels = _result_labels(series.labels, partner.labels, op, how)
            out.add(labels, values, present)
    return out.vector()


def _hint(how: Matching) -> str:
    if how.card == "one":
        return "many-to-one matching must be explicit (group_left/group_right)"
    return "grouping labels must ensure unique matches"


def _one_side(vector: Vector, how: Matching) -> dict[Labels, list[Series]]:
    found: dict[Labels, list[Series]] = {}
    for series in vector:
        found.setdefault(how.signature(series.labels), []).append(series)
    for signature, members in found.items():
        if len(members) > 1 and np.stack([m.present for m in members]).sum(axis=0).max() > 1:
            side = "left" if how.card == "right" else "right"
            raise PromQLError(
                f"found duplicate series for the match group {text(signature)} on the {side} "
                "hand-side of the operation; many-to-many matching not allowed: matching "
                "labels must be unique on one side",
                "execution",
            )
    return found


def _result_labels(many: Labels, one: Labels, op: str, how: Matching) -> Labels:
    labels = many
    if op in DROPS_NAME or how.bool_:
        labels = without_name(labels)
    if how.card == "one":
        labels = keep(labels, how.labels) if how.on else drop(labels, how.labels)
    if how.include:
        kept = drop(labels, how.include)
        labels = labels_of([*kept, *((name, get(one, name)) for name in how.include)])
    return labels


def _set(op: str, left: Vector, right: Vector, how: Matching) -> Vector:
    def anywhere(vector: Vector) -> dict[Labels, Mask]:
        found: dict[Labels, Mask] = {}
        for series in vector:
            signature = how.signature(series.labels)
            found[signature] = found.get(signature, np.zeros_like(series.present)) | series.present
        return found

    if op == "or":
        taken = anywhere(left)
        rest = [
            _masked(s, ~taken[how.signature(s.labels)]) if how.signature(s.labels) in taken else s
            for s in right
        ]
        out = Merged(CLASH)
        for series in [*left, *rest]:
            out.add(series.labels, series.values, series.present)
        return out.vector()
    other = anywhere(right)
    wanted = op == "and"
    kept = []
    for series in left:
        there = other.get(how.signature(series.labels))
        if there is None:
            there = np.zeros_like(series.present)
        kept.append(_masked(series, there if wanted else ~there))
    return [s for s in kept if s.present.any()]


def _masked(series: Series, mask: Mask) -> Series:
    return Series(series.labels, series.values, series.present & mask)


class Merged:
    """Result series by label set; two values for one label set at one step are an error."""

    def __init__(self, clash: str) -> None:
        self._clash = clash
        self._series: dict[Labels, Series] = {}

    def add(self, labels: Labels, values: Floats, present: Mask) -> None:
        if not present.any():
            return
        found = self._series.get(labels)
        if found is None:
            self._series[labels] = Series(labels, np.where(present, values, 0.0), present.copy())
            return
        if (found.present & present).any():
            raise PromQLError(f"{self._clash}: {text(labels)}", "execution")
        found.values = np.where(present, values, found.values)
        found.present = found.present | present

    def vector(self) -> Vector:
        return list(self._series.values())


def merged(vector: Sequence[Series], clash: str) -> Vector:
    if len({series.labels for series in vector}) == len(vector):
        # No label set twice (the usual case): nothing can clash, only empty series go.
        return [series for series in vector if series.present.any()]
    out = Merged(clash)
    for series in vector:
        out.add(series.labels, series.values, series.present)
    return out.vector()
