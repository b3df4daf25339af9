"""Benchmark data into a store the way history is brought in: an OpenMetrics file with
timestamps, imported through ``db import``'s entry (scraper/backfill.py's import_file).

The file is written first (by the caller's ``write``) and imported after, so the figure
printed is the import's own throughput: parsing, screening and the batched writes, not the
making of the data.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from scraper.backfill import Imported, Progress, import_file
from storage import Storage

Write = Callable[[TextIO], None]
"""Writes the OpenMetrics lines (without the closing ``# EOF``)."""


@dataclass(frozen=True, slots=True)
class Timed:
    imported: Imported
    seconds: float

    @property
    def rate(self) -> float:
        return self.imported.samples / max(self.seconds, 1e-9)

    def __str__(self) -> str:
        return (
            f"db import: {self.imported.samples:,} samples in {self.seconds:.1f} s "
            f"({self.rate:,.0f} samples/s)"
        )


def written(folder: Path, write: Write) -> Path:
    """The OpenMetrics file ``write`` makes, closed with ``# EOF``, in ``folder``."""
    path = folder / "import.om"
    with path.open("w") as out:
        write(out)
        out.write("# EOF\n")
    return path


def imported(store: Storage, path: Path, now_ms: int) -> Timed:
    """``path`` into ``store`` through db import's entry, timed (maintain() not included)."""
    with path.open("rb") as source:
        progress = Progress(sys.stderr, path.name, path.stat().st_size)
        started = time.perf_counter()
        result = import_file(source, path.name, store, progress, now_ms)
    return Timed(result, time.perf_counter() - started)


def generated_and_imported(store: Storage, write: Write, now_ms: int) -> Timed:
    """``write``'s lines into ``store`` through a temporary file."""
    with tempfile.TemporaryDirectory() as folder:
        return imported(store, written(Path(folder), write), now_ms)
