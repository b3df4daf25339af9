from exporter.collectors.processes import ProcessesCollector
from exporter.collectors.top import TopCollector
from exporter.config import CollectorOptions
from exporter.host import USER_HZ, Host
from exporter.proctable import PAGE_BYTES, parse_stat
from tests.exporter.fakehost import FakeHost, samples


def stat(
    pid: int, name: str, state: str = "S", threads: int = 1, ticks: int = 0, rss: int = 0
) -> str:
    """A /proc/<pid>/stat line with the fields these collectors read (utime, not stime)."""
    fields = ["0"] * 25  # fields[k - 3] is field k of proc(5)
    fields[0], fields[11], fields[17], fields[21] = state, str(ticks), str(threads), str(rss)
    return f"{pid} ({name}) {' '.join(fields)}\n"


def process(
    fake: FakeHost, pid: int, name: str, state: str = "S", ticks: int = 0, rss: int = 0
) -> None:
    fake.proc(f"{pid}/stat", stat(pid, name, state, ticks=ticks, rss=rss))
    fake.proc(f"{pid}/task/{pid}/stat", stat(pid, name, state, ticks=ticks, rss=rss))


def test_parse_stat_splits_after_the_last_parenthesis_of_the_name() -> None:
    parsed = parse_stat(stat(42, "tmux: server (1)", state="R", threads=3, ticks=250, rss=10))
    assert (parsed.pid, parsed.name, parsed.state, parsed.threads) == (
        "42",
        "tmux: server (1)",
        "R",
        3,
    )
    assert parsed.cpu_seconds == 250 / USER_HZ
    assert parsed.resident_bytes == 10 * PAGE_BYTES


def test_processes_counts_pids_and_processes_per_state(fake: FakeHost) -> None:
    process(fake, 1, "init")
    process(fake, 7, "dd", state="D")
    process(fake, 9, "sh")
    fake.proc("sys/kernel/pid_max", "4194304\n")
    got = samples(ProcessesCollector(fake.host))
    assert got[("node_processes_pids", ())] == 3
    assert got[("node_processes_state", (("state", "S"),))] == 2
    assert got[("node_processes_state", (("state", "D"),))] == 1
    assert got[("node_processes_max_processes", ())] == 4194304


def test_processes_counts_threads_per_state_from_the_task_directories(fake: FakeHost) -> None:
    process(fake, 1, "init")
    fake.proc("1/task/2/stat", stat(2, "worker", state="R"))
    got = samples(ProcessesCollector(fake.host))
    assert got[("node_processes_threads_state", (("thread_state", "R"),))] == 1
    assert got[("node_processes_threads_state", (("thread_state", "S"),))] == 1


def top(fake: FakeHost, count: int = 2) -> TopCollector:
    return TopCollector(fake.host, CollectorOptions(top_processes=count))


def series(collector: TopCollector, family: str) -> dict[tuple[str, str], float]:
    """(pid, name) -> value of one family's samples."""
    return {
        (dict(labels)["pid"], dict(labels)["name"]): value
        for (name, labels), value in samples(collector).items()
        if name == family
    }


def cpu_series(collector: TopCollector) -> dict[tuple[str, str], float]:
    return series(collector, "hostwatch_top_process_cpu_seconds_total")


def test_top_reports_the_n_largest_processes_by_resident_memory(fake: FakeHost) -> None:
    process(fake, 1, "init", rss=10)
    process(fake, 2, "postgres", rss=5000)
    process(fake, 3, "java", rss=9000)
    assert series(top(fake), "hostwatch_top_process_resident_memory_bytes") == {
        ("3", "java"): 9000 * PAGE_BYTES,
        ("2", "postgres"): 5000 * PAGE_BYTES,
    }


def test_top_cpu_ranks_by_cpu_used_since_the_previous_scrape(fake: FakeHost) -> None:
    process(fake, 1, "old", ticks=100_000)
    process(fake, 2, "idle", ticks=50)
    process(fake, 3, "new", ticks=0)
    collector = top(fake, count=1)
    assert cpu_series(collector) == {("1", "old"): 100_000 / USER_HZ}
    process(fake, 1, "old", ticks=100_010)
    process(fake, 3, "new", ticks=500)
    assert cpu_series(collector) == {("3", "new"): 500 / USER_HZ}


def test_top_leaves_out_a_process_that_exits_while_listed(fake: FakeHost) -> None:
    process(fake, 1, "init")
    fake.host.proc("2").mkdir()  # listed, but its stat is already gone
    assert cpu_series(top(fake)) == {("1", "init"): 0}


def test_top_reads_the_real_process_table_within_its_bound() -> None:
    collector = TopCollector(Host(), CollectorOptions(top_processes=3))
    assert 1 <= len(series(collector, "hostwatch_top_process_resident_memory_bytes")) <= 3
