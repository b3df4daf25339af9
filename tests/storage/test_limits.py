"""A sample over a limit refuses its whole batch with a message naming what and which limit."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from model.errors import ConfigError, InvalidSampleError
from model.limits import Limits
from model.samples import Sample
from storage import Retention
from tests.storage.builders import DAY, NOW, record, sample
from tests.storage.conftest import StoreFactory


def refused(open_store: StoreFactory, *samples: Sample, limits: Limits | None = None) -> str:
    store = open_store(limits=limits)
    good = sample("good_metric", 1.0)
    with pytest.raises(InvalidSampleError) as caught:
        store.write([record([good]), record(samples, t=NOW + 1)])
    return str(caught.value)


def test_label_value_over_the_limit_is_refused_and_nothing_is_written(
    open_store: StoreFactory, count_rows: Callable[[str], int]
) -> None:
    message = refused(open_store, sample("m", 1.0, path="x" * 2049))

    assert "series m{" in message
    assert "label 'path'" in message
    assert "2049 characters, over max_label_value_length=2048" in message
    assert (count_rows("samples"), count_rows("series"), count_rows("targets")) == (0, 0, 0)


def test_label_name_over_the_limit_is_refused(open_store: StoreFactory) -> None:
    message = refused(open_store, sample("m", 1.0, more={"n" * 129: "v"}))

    assert "129 characters, over max_label_name_length=128" in message


def test_too_many_labels_are_refused(open_store: StoreFactory) -> None:
    extra = {f"l{i}": "v" for i in range(3)}

    message = refused(open_store, sample("m", 1.0, more=extra), limits=Limits(max_labels=4))

    assert "5 labels, over max_labels=4" in message


@pytest.mark.parametrize("name", ["1m", "m-x", "m x", ""])
def test_invalid_metric_names_are_refused(open_store: StoreFactory, name: str) -> None:
    message = refused(open_store, sample(name, 1.0))

    assert f"metric name {name!r} is not [a-zA-Z_:][a-zA-Z0-9_:]*" in message


def test_invalid_label_names_are_refused(open_store: StoreFactory) -> None:
    message = refused(open_store, sample("m", 1.0, more={"bad-name": "v"}))

    assert "label name 'bad-name' is not [a-zA-Z_][a-zA-Z0-9_]*" in message


def test_sample_timestamp_far_from_its_scrape_is_refused(open_store: StoreFactory) -> None:
    message = refused(open_store, sample("m", 1.0, timestamp_ms=NOW + 2 * DAY))

    assert "over max_timestamp_skew_ms=86400000" in message


def test_limits_and_retention_refuse_nonsense_naming_key_and_value() -> None:
    with pytest.raises(ConfigError, match=r"Limits.max_labels must be a positive integer, got 0"):
        Limits(max_labels=0)
    with pytest.raises(ConfigError, match=r"Retention.rollup_days must be at least raw_days"):
        Retention(raw_days=30, rollup_days=7)
