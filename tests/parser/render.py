"""Hypothesis strategies for valid bodies: random families rendered as either format.

Each drawn body comes with the samples and metadata a correct parser must read from it.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import NamedTuple

from hypothesis import strategies as st

from model.samples import Labels, Metadata, Sample
from scraper.parser.dialect import OPENMETRICS, TEXT, Dialect

metric_names = st.from_regex(r"[a-zA-Z_:][a-zA-Z0-9_:]{0,8}", fullmatch=True)
label_names = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,6}", fullmatch=True).filter(
    lambda name: name != "__name__"
)
label_values = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
values = st.floats(allow_nan=True, allow_infinity=True)
INT64 = 2**63


class Body(NamedTuple):
    text: str
    samples: list[Sample]
    metadata: dict[str, Metadata]


def escape_label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_help(text: str, dialect: Dialect) -> str:
    escaped = text.replace("\\", "\\\\").replace("\n", "\\n")
    return escaped.replace('"', '\\"') if dialect.openmetrics else escaped


@st.composite
def spellings(draw: st.DrawFn, value: float) -> str:
    """One of the ways both formats may write `value`."""
    if math.isnan(value):
        return draw(st.sampled_from(["NaN", "nan", "NAN"]))
    if math.isinf(value):
        sign = "-" if value < 0 else draw(st.sampled_from(["", "+"]))
        return sign + draw(st.sampled_from(["Inf", "inf", "Infinity", "INF"]))
    return draw(
        st.sampled_from(
            [repr(value), f"{value:e}" if value == float(f"{value:e}") else repr(value)]
        )
    )


def timestamp_text(ms: int, dialect: Dialect) -> str:
    return str(Decimal(ms).scaleb(-3)) if dialect.openmetrics else str(ms)


@st.composite
def gaps(draw: st.DrawFn, dialect: Dialect, *, empty: bool = False) -> str:
    """Whitespace between tokens: exactly one space in OpenMetrics, runs in text 0.0.4."""
    if dialect.openmetrics:
        return "" if empty else " "
    return draw(st.from_regex(r"[ \t]*" if empty else r"[ \t]{1,3}", fullmatch=True))


@st.composite
def sample_lines(draw: st.DrawFn, name: str, dialect: Dialect) -> tuple[str, Sample]:
    pairs = draw(st.dictionaries(label_names, label_values, max_size=4))
    labels: Labels = tuple(pairs.items())
    value = draw(values)
    ms = draw(st.none() | st.integers(-INT64 // 1000, INT64 // 1000 - 1))
    text = name
    if bool(labels) or draw(st.booleans()):
        around = draw(gaps(dialect, empty=True))
        inner = ("," + around).join(
            f'{k}{around}={around}"{escape_label_value(v)}"' for k, v in labels
        )
        trailing_comma = bool(labels) and not dialect.openmetrics and draw(st.booleans())
        comma = "," if trailing_comma else ""
        text += draw(gaps(dialect, empty=True)) + "{" + around + inner + comma + around + "}"
    text += draw(gaps(dialect)) + draw(spellings(value))
    if ms is not None:
        text += draw(gaps(dialect)) + timestamp_text(ms, dialect)
    if dialect.openmetrics and draw(st.booleans()):
        text += ' # {trace_id="' + draw(st.from_regex(r"[a-z0-9]{0,16}", fullmatch=True)) + '"} 1.5'
    elif not dialect.openmetrics:
        text += draw(gaps(dialect, empty=True))
    return text, Sample(name, labels, value, ms)


@st.composite
def bodies(draw: st.DrawFn, dialect: Dialect) -> Body:
    names = draw(st.lists(metric_names, unique=True, max_size=5))
    lines: list[str] = []
    samples: list[Sample] = []
    metadata: dict[str, Metadata] = {}
    for name in names:
        kind = draw(st.sampled_from(sorted(dialect.suffixes)))
        help_text = draw(label_values)
        lines.append(f"# HELP {name} {escape_help(help_text, dialect)}")
        lines.append(f"# TYPE {name} {kind}")
        for suffix in dialect.suffixes[kind]:
            metadata[name + suffix] = Metadata(kind, help_text.strip(dialect.spaces), "")
        for _ in range(draw(st.integers(0, 3))):
            line, sample = draw(
                sample_lines(name + draw(st.sampled_from(dialect.suffixes[kind])), dialect)
            )
            lines.append(line)
            samples.append(sample)
    if dialect.openmetrics:
        lines.append("# EOF")
    return Body("\n".join(lines) + "\n", samples, metadata)


text_bodies = bodies(TEXT)
openmetrics_bodies = bodies(OPENMETRICS)
