"""``hostwatch-scraper db import FILE``: an OpenMetrics file with timestamps into the store, on
both backends (the ``database_url`` fixture)."""

from __future__ import annotations

import io
import os
import pty
from pathlib import Path

import numpy as np
import pytest

from bench.day import write_openmetrics
from model.clock import now_ms
from model.samples import Metadata, Sample
from scraper import backfill
from scraper.cli import main
from storage import SelectLimits, Storage
from tests.storage.conftest import select_rows

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
STEP_MS = 120_000
# Two days ending an hour before yesterday ended (UTC): closed days, within retention.
END_MS = now_ms() // DAY_MS * DAY_MS - DAY_MS - HOUR_MS
START_MS = END_MS - 2 * DAY_MS
PER_HOST = len(range(START_MS, END_MS + 1, STEP_MS))
LIMITS = SelectLimits(max_series=10, max_samples=1_000_000)
HEADER = "# TYPE demo_events counter\n# HELP demo_events Events seen.\n"


def day_file(path: Path, start_ms: int = START_MS, end_ms: int = END_MS) -> int:
    """Two counters scraped every 2 minutes from ``start_ms`` to ``end_ms``; the sample count."""
    count = 0
    with path.open("w") as out:
        out.write(HEADER)
        for t in range(start_ms, end_ms + 1, STEP_MS):
            samples = [
                Sample("demo_events_total", (("host", host), ("job", "node")), rate * t / 1000)
                for host, rate in (("a", 0.5), ("b", 2.0))
            ]
            write_openmetrics(out, samples, t)
            count += len(samples)
        out.write("# EOF\n")
    return count


def stored(url: str, name: str = "demo_events_total") -> dict[str, np.ndarray]:
    """Each host's stored timestamps of ``name``."""
    with Storage.open(url) as store:
        found = store.select(name, [], 0, 2**62, LIMITS)
    return {dict(s.series.labels)["host"]: s.t for s in found}


def imported(url: str, path: str) -> int:
    return main(["db", "import", path, "--database-url", url])


def test_an_import_stores_every_sample_at_its_timestamp(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    count = day_file(tmp_path / "day.om")

    assert imported(database_url, str(tmp_path / "day.om")) == 0

    times = stored(database_url)
    expected = np.arange(START_MS, END_MS + 1, STEP_MS)
    assert sorted(times) == ["a", "b"]
    assert all(np.array_equal(times[host], expected) for host in times)
    assert f"imported {count:,} samples from" in capsys.readouterr().out


def test_imported_days_are_compacted_like_scraped_ones(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    count = day_file(tmp_path / "day.om")

    imported(database_url, str(tmp_path / "day.om"))

    assert f"compacted {count:,} samples in " in capsys.readouterr().out


def test_importing_the_same_file_twice_stores_each_sample_once(
    database_url: str, tmp_path: Path
) -> None:
    day_file(tmp_path / "day.om")

    imported(database_url, str(tmp_path / "day.om"))
    imported(database_url, str(tmp_path / "day.om"))

    times = stored(database_url)
    assert {host: t.size for host, t in times.items()} == {"a": PER_HOST, "b": PER_HOST}


def test_the_files_type_and_help_are_stored_as_metadata(database_url: str, tmp_path: Path) -> None:
    day_file(tmp_path / "day.om", END_MS - HOUR_MS)

    imported(database_url, str(tmp_path / "day.om"))

    with Storage.open(database_url) as store:
        metadata = store.metadata("demo_events_total")
    assert metadata == Metadata("counter", "Events seen.", "")


LONG_VALUE = "x" * 3000
BAD_FILES = {
    "not a sample": (
        f'{HEADER}demo_events_total{{host="a"}} 1 1700000000\nnot a sample\n# EOF\n',
        4,
        "invalid value 'a'",
    ),
    "no timestamp": (
        'demo_events_total{host="a"} 1 1700000000\ndemo_events_total{host="b"} 1\n',
        2,
        "a sample without a timestamp (an import needs one on every sample)",
    ),
    "a label over the limits": (
        f'demo_events_total{{host="a"}} 1 1700000000\nm{{a="{LONG_VALUE}"}} 1 1\n',
        2,
        "'a' is 3000 characters, over max_label_value_length=2048",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_line_stops_the_import_naming_the_file_line_and_problem(
    case: str, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body, line, problem = BAD_FILES[case]
    path = tmp_path / "bad.om"
    path.write_text(body)

    assert imported(database_url, str(path)) == 1

    error = capsys.readouterr().err
    assert error.startswith(f"hostwatch-scraper: error: {path}:{line}: ")
    assert error.endswith(f"{problem}\n")
    assert error.count("\n") == 1


def test_db_import_without_a_file_says_what_it_takes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "import", "--database-url", f"sqlite:///{tmp_path / 'h.db'}"]) == 1

    assert capsys.readouterr().err == (
        "hostwatch-scraper: error: db import takes one FILE (- for stdin)\n"
    )


def test_the_batches_before_a_bad_line_stay_stored(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "long.om"
    count = day_file(path, END_MS - 30_000 * STEP_MS)  # 3.6 MB: chunks and batches before
    with path.open("r+") as file:  # the '# EOF' line becomes a bad one
        file.seek(path.stat().st_size - len("# EOF\n"))
        file.write("# EOF oops\n")

    assert imported(database_url, str(path)) == 1

    kept = sum(t.size for t in stored(database_url).values())
    assert backfill.BATCH_SAMPLES <= kept <= count


class Watched:
    """A file that notes, at each read, how many samples the database holds already."""

    def __init__(self, path: Path, url: str) -> None:
        self._data = path.read_bytes()
        self._url = url
        self.stored_at_reads: list[int] = []

    def read(self, size: int) -> bytes:
        self.stored_at_reads.append(select_rows(self._url, "SELECT count(*) FROM samples")[0][0])
        chunk, self._data = self._data[:size], self._data[size:]
        return chunk


def test_a_file_is_stored_in_batches_while_it_is_read(database_url: str, tmp_path: Path) -> None:
    count = day_file(tmp_path / "long.om", END_MS - 30_000 * STEP_MS)
    source = Watched(tmp_path / "long.om", database_url)
    with Storage.open(database_url) as store:
        store.upgrade()
        progress = backfill.Progress(io.StringIO(), "long.om", None)
        backfill.import_file(source, "long.om", store, progress, now_ms())

    before_the_end = source.stored_at_reads[-2]
    assert backfill.BATCH_SAMPLES <= before_the_end < count


def test_dash_imports_from_stdin(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day_file(tmp_path / "day.om", END_MS - HOUR_MS)

    with (tmp_path / "day.om").open() as stdin:  # as the shell gives '< day.om'
        monkeypatch.setattr("sys.stdin", stdin)
        assert imported(database_url, "-") == 0

    assert {host: t.size for host, t in stored(database_url).items()} == {"a": 31, "b": 31}


def test_a_missing_file_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'hostwatch.db'}"
    assert imported(url, str(tmp_path / "absent.om")) == 1

    assert capsys.readouterr().err == (
        f"hostwatch-scraper: error: db import: cannot read {tmp_path / 'absent.om'}: "
        "No such file or directory\n"
    )


def test_no_progress_line_is_written_when_stderr_is_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day_file(tmp_path / "day.om", END_MS - HOUR_MS)

    imported(f"sqlite:///{tmp_path / 'hostwatch.db'}", str(tmp_path / "day.om"))

    assert capsys.readouterr().err == ""


def test_a_terminal_gets_a_progress_line_with_the_share_read(tmp_path: Path) -> None:
    count = day_file(tmp_path / "day.om", END_MS - HOUR_MS)
    leader, follower = pty.openpty()
    with (
        open(follower, "w") as terminal,
        Storage.open(f"sqlite:///{tmp_path / 'hostwatch.db'}") as store,
        (tmp_path / "day.om").open("rb") as source,
    ):
        store.upgrade()
        size = os.fstat(source.fileno()).st_size
        progress = backfill.Progress(terminal, "day.om", size)
        backfill.import_file(source, "day.om", store, progress, END_MS)
    shown = os.read(leader, 4096).decode()
    os.close(leader)

    assert shown.endswith(f"\rday.om: {count} samples from {count + 3} lines (100 %)\r\n")
