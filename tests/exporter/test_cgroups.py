"""The cgroups collector on fake cgroup v2 and v1 trees in the kernel's file formats."""

import os
from pathlib import Path

import pytest
from prometheus_client import generate_latest
from prometheus_client.registry import CollectorRegistry

from exporter.cgrouptree import recognise
from exporter.collectors.cgroups import CgroupsCollector
from exporter.config import CollectorOptions, compile_filter
from exporter.host import USER_HZ, OpenFiles, read_optional
from tests.exporter.cgroupfiles import (
    DOCKER_ID,
    DOCKER_V1,
    DOCKER_V2,
    PODMAN_ID,
    V1_CPU_STAT_QUOTA,
    V1_MEMORY_STAT,
    V2_CPU_STAT_QUOTA,
    block_device,
    v1_cgroup,
    v2_cgroup,
    v2_root,
)
from tests.exporter.compat import promtool_problems
from tests.exporter.fakehost import FakeHost, families, samples

SHORT = DOCKER_ID[:12]
V2_LABELS = (("id", DOCKER_V2), ("image", ""), ("name", SHORT))
V1_LABELS = (("id", DOCKER_V1), ("image", ""), ("name", SHORT))
NGINX = "/system.slice/nginx.service"


def collector(fake: FakeHost, **options: object) -> CgroupsCollector:
    return CgroupsCollector(fake.host, CollectorOptions(container_sockets=(), **options))  # type: ignore[arg-type]


def values(fake: FakeHost, name: str, **options: object) -> dict[str, float]:
    """cgroup path -> value of one sample name."""
    return {
        dict(labels)["id"]: value
        for (sample, labels), value in samples(collector(fake, **options)).items()
        if sample == name
    }


@pytest.mark.parametrize(
    ("path", "engine", "ident"),
    [
        (DOCKER_V2, "docker", DOCKER_ID),
        (DOCKER_V1, "docker", DOCKER_ID),
        (f"/machine.slice/libpod-{PODMAN_ID}.scope", "podman", PODMAN_ID),
        (f"/libpod_parent/libpod-{PODMAN_ID}", "podman", PODMAN_ID),
        (
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0a1b2c3d_4e5f_6789"
            f"_abcd_ef0123456789.slice/cri-containerd-{DOCKER_ID}.scope",
            "containerd",
            DOCKER_ID,
        ),
        (
            f"/kubepods/burstable/pod0a1b2c3d-4e5f-6789-abcd-ef0123456789/{DOCKER_ID}",
            "kubernetes",
            DOCKER_ID,
        ),
        (f"/kubepods.slice/kubepods-pod1.slice/crio-{DOCKER_ID}.scope", "cri-o", DOCKER_ID),
        ("/lxc.payload.web1", "lxc", "web1"),
        ("/lxc/web1", "lxc", "web1"),
        (NGINX, "systemd", "nginx"),
    ],
)
def test_containers_and_services_are_recognised_by_their_cgroup_paths(
    path: str, engine: str, ident: str
) -> None:
    found = recognise(path)
    assert found is not None
    assert (found.engine, found.ident) == (engine, ident)


@pytest.mark.parametrize(
    "path",
    [
        "/system.slice",
        "/user.slice/user-1000.slice",
        f"/machine.slice/libpod-conmon-{PODMAN_ID}.scope",
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice",
        "/docker",
        "/system.slice/nginx.service/child",
        "/user.slice/user-1000.slice/user@1000.service",
    ],
)
def test_slices_pods_monitors_and_the_rest_are_not_workloads(path: str) -> None:
    assert recognise(path) is None


def test_v2_cpu_seconds_come_from_cpu_stat_microseconds(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2)
    got = samples(collector(fake))
    assert got[("container_cpu_usage_seconds_total", (("cpu", "total"), *V2_LABELS))] == 2.5
    assert got[("container_cpu_user_seconds_total", V2_LABELS)] == 1.5
    assert got[("container_cpu_system_seconds_total", V2_LABELS)] == 1.0


def test_throttled_seconds_are_reported_only_under_a_cpu_quota(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2)
    v2_cgroup(fake, NGINX, {"cpu.max": "50000 100000\n", "cpu.stat": V2_CPU_STAT_QUOTA})
    assert values(fake, "container_cpu_cfs_throttled_seconds_total") == {NGINX: 0.3}


def test_v2_working_set_is_usage_minus_inactive_file(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2)
    got = samples(collector(fake))
    assert got[("container_memory_usage_bytes", V2_LABELS)] == 157286400
    assert got[("container_memory_working_set_bytes", V2_LABELS)] == 157286400 - 41943040


def test_working_set_is_floored_at_zero(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2, {"memory.current": "1048576\n"})
    assert values(fake, "container_memory_working_set_bytes") == {DOCKER_V2: 0}


def test_v2_rss_cache_and_swap_are_anon_file_and_swap_current(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2)
    got = samples(collector(fake))
    assert got[("container_memory_rss", V2_LABELS)] == 104857600
    assert got[("container_memory_cache", V2_LABELS)] == 52428800
    assert got[("container_memory_swap", V2_LABELS)] == 2097152


def test_v2_memory_limit_is_memory_max_and_max_means_zero(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2)
    v2_cgroup(fake, NGINX, {"memory.max": "max\n"})
    assert values(fake, "container_spec_memory_limit_bytes") == {DOCKER_V2: 536870912, NGINX: 0}


def test_v2_oom_events_count_memory_events_oom_kill(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2)
    assert values(fake, "container_oom_events_total") == {DOCKER_V2: 1}


def test_v2_io_bytes_per_device_are_labelled_with_the_device_node(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2)
    block_device(fake, "8:16", "sdb")
    got = samples(collector(fake))
    assert got[("container_fs_reads_bytes_total", (("device", "/dev/sdb"), *V2_LABELS))] == 1459200
    assert got[("container_fs_writes_bytes_total", (("device", "/dev/sdb"), *V2_LABELS))] == (
        314773504
    )
    # No uevent for 253:0 here: the number stays, so two unknown devices never merge.
    assert got[("container_fs_writes_bytes_total", (("device", "253:0"), *V2_LABELS))] == 8192


def test_v1_cpu_seconds_come_from_cpuacct_usage_and_ticks(fake: FakeHost) -> None:
    v1_cgroup(fake, DOCKER_V1)
    got = samples(collector(fake))
    assert got[("container_cpu_usage_seconds_total", (("cpu", "total"), *V1_LABELS))] == 3.5
    assert got[("container_cpu_user_seconds_total", V1_LABELS)] == 250 / USER_HZ
    assert got[("container_cpu_system_seconds_total", V1_LABELS)] == 100 / USER_HZ


def test_v1_throttled_seconds_come_from_cpu_stat_with_a_quota(fake: FakeHost) -> None:
    v1_cgroup(
        fake, DOCKER_V1, {"cpu/cpu.cfs_quota_us": "50000\n", "cpu/cpu.stat": V1_CPU_STAT_QUOTA}
    )
    assert values(fake, "container_cpu_cfs_throttled_seconds_total") == {DOCKER_V1: 0.3}


def test_v1_memory_reads_the_hierarchical_totals_of_memory_stat(fake: FakeHost) -> None:
    v1_cgroup(fake, DOCKER_V1)
    got = samples(collector(fake))
    assert got[("container_memory_usage_bytes", V1_LABELS)] == 157286400
    assert got[("container_memory_working_set_bytes", V1_LABELS)] == 157286400 - 41943040
    assert got[("container_memory_rss", V1_LABELS)] == 104857600
    assert got[("container_memory_cache", V1_LABELS)] == 52428800
    assert got[("container_memory_swap", V1_LABELS)] == 2097152
    assert got[("container_oom_events_total", V1_LABELS)] == 1


def test_v1_limit_is_the_one_in_force_and_unlimited_is_zero(fake: FakeHost) -> None:
    v1_cgroup(fake, DOCKER_V1)
    limited = V1_MEMORY_STAT.replace(
        "hierarchical_memory_limit 9223372036854771712", "hierarchical_memory_limit 268435456"
    )
    v1_cgroup(
        fake,
        NGINX,
        {"memory/memory.limit_in_bytes": "268435456\n", "memory/memory.stat": limited},
    )
    assert values(fake, "container_spec_memory_limit_bytes") == {DOCKER_V1: 0, NGINX: 268435456}


def test_v1_io_bytes_come_from_blkio_throttle_io_service_bytes(fake: FakeHost) -> None:
    v1_cgroup(fake, DOCKER_V1)
    block_device(fake, "8:16", "sdb")
    assert values(fake, "container_fs_reads_bytes_total") == {DOCKER_V1: 1459200}
    assert values(fake, "container_fs_writes_bytes_total") == {DOCKER_V1: 314773504}


def test_types_and_help_are_cadvisors(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2)
    got = families(collector(fake))
    assert got["container_cpu_usage_seconds"].type == "counter"
    assert got["container_cpu_usage_seconds"].documentation == (
        "Cumulative cpu time consumed in seconds."
    )
    assert got["container_memory_working_set_bytes"].type == "gauge"
    assert got["container_spec_memory_limit_bytes"].documentation == (
        "Memory limit for the container."
    )
    assert got["container_last_seen"].type == "gauge"


def test_promtool_finds_no_problem_in_the_exposition(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2)
    v2_cgroup(fake, NGINX, {"cpu.max": "50000 100000\n", "cpu.stat": V2_CPU_STAT_QUOTA})
    block_device(fake, "8:16", "sdb")
    registry = CollectorRegistry()
    registry.register(collector(fake))
    body = generate_latest(registry).decode()
    assert "container_cpu_cfs_throttled_seconds_total{" in body
    assert promtool_problems(body) == set()


def test_a_service_has_only_its_path_as_id_like_in_cadvisor(fake: FakeHost) -> None:
    v2_cgroup(fake, NGINX)
    got = samples(collector(fake))
    labels = (("id", NGINX), ("image", ""), ("name", ""))
    assert got[("container_memory_usage_bytes", labels)] == 157286400


def test_the_cgroups_of_a_container_itself_are_not_walked(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2)
    v2_cgroup(fake, f"{DOCKER_V2}/system.slice/inner.service")
    assert set(values(fake, "container_memory_usage_bytes")) == {DOCKER_V2}


def test_slices_and_the_root_are_not_reported(fake: FakeHost) -> None:
    v2_cgroup(fake, "/system.slice")
    v2_cgroup(fake, "/user.slice/user-1000.slice/session-3.scope")
    v2_root(fake)
    assert values(fake, "container_memory_usage_bytes") == {}


def test_cgroups_max_reports_containers_first_and_counts_the_rest(fake: FakeHost) -> None:
    v2_cgroup(fake, NGINX)
    v2_cgroup(fake, "/system.slice/cron.service")
    v2_cgroup(fake, DOCKER_V2)
    got = samples(collector(fake, cgroups_max=2))
    reported = {dict(labels)["id"] for name, labels in got if name == "container_last_seen"}
    assert reported == {DOCKER_V2, "/system.slice/cron.service"}
    assert got[("hostwatch_cgroups_over_limit", ())] == 1


def test_include_and_exclude_patterns_filter_by_cgroup_path(fake: FakeHost) -> None:
    v2_cgroup(fake, NGINX)
    v2_cgroup(fake, "/system.slice/cron.service")
    v2_cgroup(fake, DOCKER_V2)
    chosen = compile_filter("cgroups", r"\.service$", r"cron")
    assert set(values(fake, "container_last_seen", cgroups=chosen)) == {NGINX}


def netns(fake: FakeHost, pid: int, namespace: str) -> None:
    link = Path(fake.host.proc(f"{pid}/ns/net"))
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(namespace)


NET_DEV = """Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    1200      12    0    0    0     0          0         0     1200      12    0    0    0     0       0          0
  eth0: 6543210    4321    0    0    0     0          0         0   123456     789    0    0    0     0       0          0
"""  # noqa: E501


def test_network_bytes_come_from_a_process_in_its_own_namespace(fake: FakeHost) -> None:
    v2_cgroup(fake, DOCKER_V2, {"cgroup.procs": "4242\n4243\n"})
    netns(fake, 1, "net:[4026531840]")
    netns(fake, 4242, "net:[4026532301]")
    fake.proc("4242/net/dev", NET_DEV)
    got = samples(collector(fake))
    eth0 = (("id", DOCKER_V2), ("image", ""), ("interface", "eth0"), ("name", SHORT))
    assert got[("container_network_receive_bytes_total", eth0)] == 6543210
    assert got[("container_network_transmit_bytes_total", eth0)] == 123456
    assert {dict(labels).get("interface") for name, labels in got if "network" in name} == {"eth0"}


def test_no_network_series_for_a_cgroup_in_the_hosts_namespace(fake: FakeHost) -> None:
    v2_cgroup(fake, NGINX, {"cgroup.procs": "4242\n"})
    netns(fake, 1, "net:[4026531840]")
    netns(fake, 4242, "net:[4026531840]")
    fake.proc("4242/net/dev", NET_DEV)
    assert values(fake, "container_network_receive_bytes_total") == {}


def test_no_cgroup_mount_means_no_series_and_no_failure(fake: FakeHost) -> None:
    got = samples(collector(fake))
    assert got == {("hostwatch_cgroups_over_limit", ()): 0}


def test_small_file_reads_return_files_longer_than_one_read(tmp_path: Path) -> None:
    long = tmp_path / "cgroup.procs"
    long.write_text("".join(f"{pid}\n" for pid in range(100_000)))  # 588,890 bytes
    assert read_optional(str(long)) == long.read_text()
    assert read_optional(str(tmp_path / "missing")) is None


def test_kept_files_are_read_whole_and_afresh(tmp_path: Path) -> None:
    long = tmp_path / "cgroup.procs"
    long.write_text("".join(f"{pid}\n" for pid in range(100_000)))
    files = OpenFiles(limit=10)
    assert files.read(str(long)) == long.read_text()
    long.write_text("7\n")  # the same file, rewritten in place as the kernel regenerates it
    assert files.read(str(long)) == "7\n"
    assert files.read(str(tmp_path / "missing")) is None


def test_a_sweep_closes_the_kept_files_not_read_since_the_last(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).write_text(name)
    files = OpenFiles(limit=10)
    before = open_descriptors()
    files.read(str(tmp_path / "a"))
    files.read(str(tmp_path / "b"))
    files.sweep()
    assert open_descriptors() == before + 2
    files.read(str(tmp_path / "a"))
    files.sweep()  # b, a removed container's file, was not read by this scrape
    assert open_descriptors() == before + 1


def test_past_its_limit_a_file_is_read_without_being_kept(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).write_text(name)
    files = OpenFiles(limit=1)
    before = open_descriptors()
    assert [files.read(str(tmp_path / name)) for name in ("a", "b")] == ["a", "b"]
    assert open_descriptors() == before + 1


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))
