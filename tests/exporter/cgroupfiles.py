"""Fake cgroup trees, file by file in the kernel's formats (Documentation/admin-guide/cgroup-v2.rst
and cgroup-v1/{cpuacct,memory,blkio-controller}.rst), under a FakeHost's sysfs."""

from __future__ import annotations

from tests.exporter.fakehost import FakeHost

DOCKER_ID = "4c1d6e5b2f0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d"
PODMAN_ID = "9f2a1b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"
DOCKER_V2 = f"/system.slice/docker-{DOCKER_ID}.scope"
DOCKER_V1 = f"/docker/{DOCKER_ID}"

V2_CPU_STAT = """usage_usec 2500000
user_usec 1500000
system_usec 1000000
nr_periods 0
nr_throttled 0
throttled_usec 0
nr_bursts 0
burst_usec 0
"""
# Under a quota (cpu.max "50000 100000"): the kernel counts enforcement periods.
V2_CPU_STAT_QUOTA = V2_CPU_STAT.replace("nr_periods 0", "nr_periods 40").replace(
    "throttled_usec 0", "throttled_usec 300000"
)
V2_MEMORY_STAT = """anon 104857600
file 52428800
kernel 4194304
kernel_stack 98304
pagetables 409600
sec_pagetables 0
percpu 0
sock 0
vmalloc 0
shmem 0
zswap 0
zswapped 0
file_mapped 10485760
file_dirty 0
file_writeback 0
swapcached 0
anon_thp 0
file_thp 0
shmem_thp 0
inactive_anon 100000000
active_anon 4857600
inactive_file 41943040
active_file 10485760
unevictable 0
slab_reclaimable 1048576
slab_unreclaimable 524288
slab 1572864
workingset_refault_anon 0
workingset_refault_file 12
pgfault 31000
pgmajfault 7
"""
V2_MEMORY_EVENTS = """low 0
high 0
max 3
oom 2
oom_kill 1
oom_group_kill 0
"""
V2_IO_STAT = """8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0
253:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0
"""

V1_CPUACCT_STAT = "user 250\nsystem 100\n"
V1_CPU_STAT = "nr_periods 0\nnr_throttled 0\nthrottled_time 0\nnr_bursts 0\nburst_time 0\n"
V1_CPU_STAT_QUOTA = (
    "nr_periods 40\nnr_throttled 3\nthrottled_time 300000000\nnr_bursts 0\nburst_time 0\n"
)
V1_MEMORY_STAT = """cache 52428800
rss 104857600
rss_huge 0
shmem 0
mapped_file 10485760
dirty 0
writeback 0
swap 2097152
pgpgin 60000
pgpgout 20000
pgfault 31000
pgmajfault 7
inactive_anon 100000000
active_anon 4857600
inactive_file 41943040
active_file 10485760
unevictable 0
hierarchical_memory_limit 9223372036854771712
hierarchical_memsw_limit 9223372036854771712
total_cache 52428800
total_rss 104857600
total_rss_huge 0
total_shmem 0
total_mapped_file 10485760
total_dirty 0
total_writeback 0
total_swap 2097152
total_pgpgin 60000
total_pgpgout 20000
total_pgfault 31000
total_pgmajfault 7
total_inactive_anon 100000000
total_active_anon 4857600
total_inactive_file 41943040
total_active_file 10485760
total_unevictable 0
"""
V1_OOM_CONTROL = "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n"
V1_IO_SERVICE_BYTES = """8:16 Read 1459200
8:16 Write 314773504
8:16 Sync 300000000
8:16 Async 16232704
8:16 Discard 0
8:16 Total 316232704
Total 316232704
"""
UNLIMITED_V1 = "9223372036854771712\n"


def v2_root(fake: FakeHost) -> None:
    fake.sys("fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n")


def v2_cgroup(fake: FakeHost, path: str, files: dict[str, str] | None = None) -> None:
    """A v2 cgroup with every file the collector reads; ``files`` replaces some by name."""
    v2_root(fake)
    contents = {
        "cpu.stat": V2_CPU_STAT,
        "cpu.max": "max 100000\n",
        "memory.current": "157286400\n",
        "memory.max": "536870912\n",
        "memory.stat": V2_MEMORY_STAT,
        "memory.swap.current": "2097152\n",
        "memory.events": V2_MEMORY_EVENTS,
        "io.stat": V2_IO_STAT,
        "cgroup.procs": "",
    }
    contents.update(files or {})
    for name, text in contents.items():
        fake.sys(f"fs/cgroup{path}/{name}", text)


def v1_cgroup(fake: FakeHost, path: str, files: dict[str, str] | None = None) -> None:
    """A v1 cgroup in the cpuacct, cpu, memory and blkio hierarchies; ``files`` (by
    "controller/file") replaces some."""
    contents = {
        "cpuacct/cpuacct.usage": "3500000000\n",
        "cpuacct/cpuacct.stat": V1_CPUACCT_STAT,
        "cpuacct/cgroup.procs": "",
        "cpu/cpu.cfs_quota_us": "-1\n",
        "cpu/cpu.cfs_period_us": "100000\n",
        "cpu/cpu.stat": V1_CPU_STAT,
        "memory/memory.usage_in_bytes": "157286400\n",
        "memory/memory.limit_in_bytes": UNLIMITED_V1,
        "memory/memory.stat": V1_MEMORY_STAT,
        "memory/memory.oom_control": V1_OOM_CONTROL,
        "blkio/blkio.throttle.io_service_bytes": V1_IO_SERVICE_BYTES,
    }
    contents.update(files or {})
    for name, text in contents.items():
        controller, _, file = name.partition("/")
        fake.sys(f"fs/cgroup/{controller}{path}/{file}", text)


def block_device(fake: FakeHost, number: str, name: str) -> None:
    major, minor = number.split(":")
    fake.sys(f"dev/block/{number}/uevent", f"MAJOR={major}\nMINOR={minor}\nDEVNAME={name}\n")
