"""A host running two Docker containers and two systemd services, as hostwatch's exporter (or
cAdvisor) reports them, scraped every minute for the last hour; and a host without any.

- web (nginx:1.25): 50 % of a core, 200 MiB working set of a 512 MiB limit, disk 1,000 B/s read
  and 2,000 B/s written, network 3,000 B/s in and 1,500 B/s out.
- db (postgres:16): 10 % of a core, 1 GiB, no limit (cAdvisor's 0).
- ssh.service: 1 % of a core, 20 MiB; cron.service: 0 %, 4 MiB.
"""

from __future__ import annotations

from collections.abc import Iterator

from model.samples import Labels, Sample
from storage import ScrapeRecord, Storage
from tests.storage.builders import HOUR, NOW
from tests.web.fleet import MINUTE, node_samples

DOCKER = "docker1:9100"
PLAIN = "plain1:9100"
MIB = 2**20
WEB_ID = "/system.slice/docker-" + "a1" * 32 + ".scope"
DB_ID = "/system.slice/docker-" + "b2" * 32 + ".scope"
SSH_ID, CRON_ID = "/system.slice/ssh.service", "/system.slice/cron.service"
# id -> (name, image, CPU s/s, working set, limit, read B/s, write B/s, in B/s, out B/s)
WORKLOADS = {
    WEB_ID: ("web", "nginx:1.25", 0.5, 200 * MIB, 512 * MIB, 1000, 2000, 3000, 1500),
    DB_ID: ("db", "postgres:16", 0.1, 1024 * MIB, 0, 0, 0, 0, 0),
    SSH_ID: ("", "", 0.01, 20 * MIB, 0, 0, 0, None, None),
    CRON_ID: ("", "", 0.0, 4 * MIB, 0, 0, 0, None, None),
}


def container_samples(t_ms: int) -> Iterator[Sample]:
    seconds = (t_ms - (NOW - 2 * HOUR)) / 1000  # every workload started two hours ago
    for cgroup, (name, image, cpu, memory, limit, read, write, rx, tx) in WORKLOADS.items():
        own = {"id": cgroup, "name": name, "image": image}
        yield sample("container_cpu_usage_seconds_total", cpu * seconds, cpu="total", **own)
        yield sample("container_memory_working_set_bytes", memory, **own)
        yield sample("container_memory_usage_bytes", memory + 50 * MIB, **own)
        yield sample("container_spec_memory_limit_bytes", limit, **own)
        yield sample("container_fs_reads_bytes_total", read * seconds, device="/dev/sda", **own)
        yield sample("container_fs_writes_bytes_total", write * seconds, device="/dev/sda", **own)
        if rx is not None and tx is not None:
            received = rx * seconds
            yield sample("container_network_receive_bytes_total", received, interface="eth0", **own)
            yield sample(
                "container_network_transmit_bytes_total", tx * seconds, interface="eth0", **own
            )
        yield sample("container_last_seen", t_ms // 1000, **own)


def sample(metric: str, value: float, /, **labels: str) -> Sample:
    # Empty values are no label, as the scraper stores them (a service has no name or image).
    kept = {"job": "node", "instance": DOCKER, **{k: v for k, v in labels.items() if v}}
    full: Labels = tuple(sorted(kept.items()))
    return Sample(metric, full, float(value))


def seed(storage: Storage) -> None:
    batch = []
    for t in range(NOW - HOUR, NOW + 1, MINUTE):
        batch.append(record(DOCKER, t, [*node_samples(DOCKER, t), *container_samples(t)]))
        batch.append(record(PLAIN, t, node_samples(PLAIN, t)))
    storage.write(batch)


def record(instance: str, t_ms: int, samples: list[Sample]) -> ScrapeRecord:
    return ScrapeRecord("node", instance, (), t_ms, 0.05, None, samples)
