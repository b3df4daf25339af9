"""The chunk codec gives back every timestamp and every value bit for bit."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.errors import StorageError
from storage import codec

STALE_MARKER = struct.unpack("<d", struct.pack("<Q", 0x7FF0000000000002))[0]
START = 1_750_032_000_000

any_float = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
special = st.sampled_from(
    [STALE_MARKER, float("nan"), float("inf"), -float("inf"), -0.0, 0.0, 5e-324, 1.8e308]
)
decimal = st.integers(-(10**12), 10**12).map(lambda n: n / 100)


def bits(values: np.ndarray) -> list[int]:
    return [int(b) for b in np.asarray(values, dtype=np.float64).view(np.uint64)]


def roundtrip(times: list[int], values: list[float]) -> tuple[list[int], list[int]]:
    decoded_times, decoded_values = codec.decode(
        codec.encode(np.array(times, dtype=np.int64), np.array(values, dtype=np.float64))
    )
    return [int(t) for t in decoded_times], bits(decoded_values)


@st.composite
def windows(draw: st.DrawFn, values: st.SearchStrategy[float]) -> tuple[list[int], list[float]]:
    gaps = draw(st.lists(st.integers(1, 10**9), max_size=300))
    times = list(np.cumsum([draw(st.integers(-(2**50), 2**50)), *gaps]))
    return [int(t) for t in times], draw(st.lists(values, min_size=len(times), max_size=len(times)))


@given(windows(st.one_of(any_float, special)))
def test_any_floats_and_timestamps_round_trip_bit_exactly(
    window: tuple[list[int], list[float]],
) -> None:
    times, values = window

    assert roundtrip(times, values) == (times, bits(np.array(values)))


@given(windows(decimal))
def test_decimal_values_round_trip_bit_exactly(window: tuple[list[int], list[float]]) -> None:
    times, values = window

    assert roundtrip(times, values) == (times, bits(np.array(values)))


def test_stale_markers_keep_their_nan_payload() -> None:
    values = [1.0, STALE_MARKER, 2.5, STALE_MARKER]

    _, decoded = roundtrip([START + i * 120_000 for i in range(4)], values)

    assert [hex(b) for b in decoded][1::2] == ["0x7ff0000000000002"] * 2


def test_negative_zero_stays_negative_among_decimals() -> None:
    values = [1.5, -0.0, 2.25]

    assert roundtrip([START, START + 1, START + 2], values)[1] == bits(np.array(values))


def test_counter_with_a_reset_round_trips() -> None:
    values = [100.0, 250.5, 400.25, 3.0, 90.75]

    assert roundtrip([START + i * 120_000 for i in range(5)], values)[1] == bits(np.array(values))


def test_an_empty_window_round_trips() -> None:
    assert roundtrip([], []) == ([], [])


def test_a_steady_counter_at_a_steady_interval_takes_under_half_a_byte_per_sample() -> None:
    times = np.arange(720, dtype=np.int64) * 120_000 + START
    values = np.arange(720, dtype=np.float64) * 4096.0 + 1e9

    assert len(codec.encode(times, values)) < 360


def test_decimals_are_stored_as_scaled_integers_and_other_values_xored() -> None:
    times = np.arange(720, dtype=np.int64) * 120_000 + START
    rng = np.random.default_rng(1)
    centiseconds = np.round(np.cumsum(rng.random(720) * 50), 2).astype(np.float64)
    noise = rng.random(720)

    # The header's second byte is the value method: 1 scaled, 0 XOR; the third the scale.
    assert codec.encode(times, centiseconds)[1:3] == bytes((1, 2))
    assert codec.encode(times, noise)[1:3] == bytes((0, 0))


def test_a_corrupt_chunk_is_a_storage_error() -> None:
    chunk = codec.encode(np.array([START], dtype=np.int64), np.array([1.0]))

    with pytest.raises(StorageError, match="corrupt chunk"):
        codec.decode(chunk[:-2])


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(StorageError, match="as many timestamps as values"):
        codec.encode(np.array([START], dtype=np.int64), np.array([1.0, 2.0]))
