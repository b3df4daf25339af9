"""The process table from /proc/<pid>/stat: one small read per process gives name, state,
threads, CPU time and resident memory, under the host's procfs (psutil reads only its own).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from exporter.host import USER_HZ, read_text

PAGE_BYTES = os.sysconf("SC_PAGESIZE")


@dataclass(frozen=True)
class ProcessStat:
    pid: str
    name: str
    state: str
    threads: int
    cpu_seconds: float
    resident_bytes: float


def parse_stat(text: str) -> ProcessStat:
    """One /proc/<pid>/stat line. The name sits in parentheses and may itself hold spaces and
    parentheses, so the fields are split after the last ``)``.
    """
    head, _, tail = text.rpartition(")")
    pid, _, name = head.partition(" (")
    fields = tail.split()  # fields[k - 3] is field k of proc(5)
    return ProcessStat(
        pid=pid.strip(),
        name=name,
        state=fields[0],
        threads=int(fields[17]),
        cpu_seconds=(int(fields[11]) + int(fields[12])) / USER_HZ,
        resident_bytes=float(int(fields[21]) * PAGE_BYTES),
    )


def stats(directory: Path) -> Iterator[ProcessStat]:
    """The stat of every numbered entry of ``directory`` (a procfs, or a process's ``task``).

    Processes come and go while they are listed: one that exited is silently left out.
    """
    try:
        entries = [entry.path for entry in os.scandir(directory) if entry.name.isdigit()]
    except (FileNotFoundError, ProcessLookupError):
        return
    for entry in entries:
        try:
            # A plain string: building a Path per process cost a third of the whole read.
            text = read_text(entry + "/stat")
        except (FileNotFoundError, ProcessLookupError):
            continue
        yield parse_stat(text)
