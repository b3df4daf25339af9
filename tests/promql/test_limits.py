"""EngineLimits refuses a limit that is not a positive number, as Limits does (one check)."""

from __future__ import annotations

import pytest

from model.errors import ConfigError
from promql import EngineLimits


def test_a_fractional_timeout_is_a_limit() -> None:
    assert EngineLimits(timeout_s=0.5).timeout_s == 0.5


@pytest.mark.parametrize("value", [0, -1, True, "10"])
def test_a_limit_that_is_not_a_positive_number_is_refused(value: object) -> None:
    with pytest.raises(ConfigError) as raised:
        EngineLimits(max_samples=value)  # type: ignore[arg-type]
    assert (
        raised.value.message == f"EngineLimits.max_samples must be a positive number, got {value!r}"
    )
