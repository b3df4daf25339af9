"""A small fleet written through the real storage layer: what the web tests look at.

- web1:9100 (job node): up for three hours, scraped every minute, with a ten-minute outage
  ("context deadline exceeded") from NOW-2h; CPU 25 %, memory 75 %, /boot 90 % full, load 1.5,
  up for three days.
- db1:9100 (job node): the same kind of host, down for the last 30 minutes: "connection refused".
- HOSTILE (job probe): labels and a name full of markup, quotes and unicode; up.

Alerts, as the scraper would have stored them: db1's TargetDown firing since it went down,
web1's TargetDown resolved after the outage, web1's /boot FilesystemFull firing but silenced
(silence 1, active for another hour), and a pending ProbeSlow on HOSTILE with markup in it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from model.matchers import Matcher
from model.samples import Labels, Metadata, Sample
from scraper.alerts.alert import alert_fingerprint
from storage import Alert, AlertEvent, AlertState, ScrapeRecord, Silence, Storage
from tests.storage.builders import HOUR, NOW

MINUTE = 60_000
GIB = 2**30
BOOT_S = NOW / 1000 - 3 * 86_400
CPU_RATES = {"idle": 0.75, "user": 0.2, "system": 0.05, "iowait": 0.0}
OUTAGE = (NOW - 2 * HOUR, NOW - 2 * HOUR + 10 * MINUTE)
DB1_DOWN_SINCE = NOW - 30 * MINUTE
HOSTILE = "<script>alert('x')</script>:9100"
HOSTILE_LABELS = (("note", "\"'><img src=x onerror=alert(1)>"), ("city", "Zürich ☃ ﷽"))
METADATA = {
    "node_cpu_seconds_total": Metadata("counter", "Seconds the CPUs spent in each mode."),
    "node_network_receive_bytes_total": Metadata("counter"),
    "node_network_transmit_bytes_total": Metadata("counter"),
    "node_disk_read_bytes_total": Metadata("counter"),
    "node_disk_written_bytes_total": Metadata("counter"),
    "node_load1": Metadata("gauge", "1m load average."),
    "node_disk_reads_completed_total": Metadata("counter"),
    "node_disk_read_time_seconds_total": Metadata("counter"),
    "node_disk_writes_completed_total": Metadata("counter"),
    "node_disk_write_time_seconds_total": Metadata("counter"),
    "hostwatch_top_process_cpu_seconds_total": Metadata("counter"),
    "hostwatch_top_process_resident_memory_bytes": Metadata("gauge"),
}


def node_samples(instance: str, t_ms: int) -> list[Sample]:
    """One scrape of a two-CPU Debian host; counters grow at constant rates since boot."""
    up_s = t_ms / 1000 - BOOT_S
    s = functools.partial(_sample, instance)
    return [
        *(
            s("node_cpu_seconds_total", rate * up_s, cpu=cpu, mode=mode)
            for cpu in ("0", "1")
            for mode, rate in CPU_RATES.items()
        ),
        *(s(f"node_memory_{n}_bytes", v * GIB) for n, v in MEMORY.items()),
        *_filesystems(instance),
        s("node_network_receive_bytes_total", 1000 * up_s, device="eth0"),
        s("node_network_transmit_bytes_total", 500 * up_s, device="eth0"),
        s("node_network_receive_bytes_total", 9e9, device="lo"),
        s("node_network_receive_bytes_total", 700 * up_s, device="ifb0"),
        s("node_disk_read_bytes_total", 2048 * up_s, device="sda"),
        s("node_disk_written_bytes_total", 4096 * up_s, device="sda"),
        # 4 reads/s taking 20 ms/s (5 ms each), 8 writes/s taking 80 ms/s (10 ms each).
        s("node_disk_reads_completed_total", 4 * up_s, device="sda"),
        s("node_disk_read_time_seconds_total", 0.02 * up_s, device="sda"),
        s("node_disk_writes_completed_total", 8 * up_s, device="sda"),
        s("node_disk_write_time_seconds_total", 0.08 * up_s, device="sda"),
        # hostwatch's top collector: postgres at half a core, nginx at a tenth.
        s("hostwatch_top_process_cpu_seconds_total", 0.5 * up_s, pid="812", name="postgres"),
        s("hostwatch_top_process_cpu_seconds_total", 0.1 * up_s, pid="77", name="nginx"),
        s("hostwatch_top_process_resident_memory_bytes", 1.5 * GIB, pid="812", name="postgres"),
        s("hostwatch_top_process_resident_memory_bytes", GIB / 16, pid="77", name="nginx"),
        s("node_load1", 1.5),
        s("node_load5", 1.2),
        s("node_load15", 1.0),
        s("node_boot_time_seconds", BOOT_S),
        s("node_time_seconds", t_ms / 1000),
        s("node_hwmon_temp_celsius", 45.0, chip="platform_coretemp_0", sensor="temp1"),
        s("node_uname_info", 1, nodename=instance.split(":")[0], sysname="Linux",
          release="6.1.0-18-amd64", machine="x86_64"),
        s("node_os_info", 1, pretty_name="Debian GNU/Linux 12 (bookworm)", id="debian"),
    ]  # fmt: skip


MEMORY = {"MemTotal": 8, "MemFree": 1, "MemAvailable": 2, "Buffers": 0.5, "Cached": 1}
MEMORY |= {"SwapTotal": 2, "SwapFree": 1.5}


def _sample(instance: str, name: str, value: float, /, **extra: str) -> Sample:
    labels: Labels = tuple(sorted({"job": "node", "instance": instance, **extra}.items()))
    return Sample(name, labels, value)


def _filesystems(instance: str) -> Iterator[Sample]:
    for mount, size, avail, fstype in FILESYSTEMS:
        device = f"/dev/{mount.strip('/') or 'root'}"
        labels = {"mountpoint": mount, "fstype": fstype, "device": device}
        yield _sample(instance, "node_filesystem_size_bytes", size * GIB, **labels)
        yield _sample(instance, "node_filesystem_avail_bytes", avail * GIB, **labels)


FILESYSTEMS = (("/", 100, 40, "ext4"), ("/boot", 1, 0.1, "ext4"), ("/run", 1, 0.01, "tmpfs"))


def scrape(instance: str, t_ms: int, error: str | None = None) -> ScrapeRecord:
    return ScrapeRecord(
        job="node",
        instance=instance,
        labels=(("env", "prod"),),
        timestamp_ms=t_ms,
        duration_s=0.05,
        error=error,
        samples=() if error else node_samples(instance, t_ms),
        metadata=METADATA if not error else {},
    )


def records(start_ms: int = NOW - 3 * HOUR, end_ms: int = NOW) -> Iterator[ScrapeRecord]:
    for t in range(start_ms, end_ms + 1, MINUTE):
        outage = OUTAGE[0] <= t < OUTAGE[1]
        yield scrape("web1:9100", t, "context deadline exceeded" if outage else None)
        yield scrape("db1:9100", t, "connection refused" if t >= DB1_DOWN_SINCE else None)
        yield hostile(t)


def hostile(t_ms: int) -> ScrapeRecord:
    labels = tuple(sorted({"job": "probe", "instance": HOSTILE, **dict(HOSTILE_LABELS)}.items()))
    return ScrapeRecord(
        job="probe",
        instance=HOSTILE,
        labels=HOSTILE_LABELS,
        timestamp_ms=t_ms,
        duration_s=0.01,
        error=None,
        samples=[Sample("probe_success", labels, 1.0)],
    )


def seed(storage: Storage) -> None:
    batch: list[ScrapeRecord] = []
    for record in records():
        batch.append(record)
        if len(batch) >= 300:
            storage.write(batch)
            batch.clear()
    storage.write(batch)
    seed_alerts(storage)


def _alert(rule: str, instance: str, state: AlertState, since: int, **extra: str) -> Alert:
    labels = tuple(
        sorted({"alertname": rule, "instance": instance, "job": "node", **extra}.items())
    )
    return Alert(
        fingerprint=alert_fingerprint(labels),
        rule=rule,
        labels=labels,
        annotations=(("summary", f"{rule} on {instance}"),),
        state=state,
        value=0.0,
        active_since_ms=since,
        fired_ms=since if state != "pending" else None,
        resolved_ms=OUTAGE[1] if state == "resolved" else None,
        updated_ms=since,
    )


ALERTS = (
    _alert("TargetDown", "db1:9100", "firing", DB1_DOWN_SINCE, severity="critical"),
    _alert("TargetDown", "web1:9100", "resolved", OUTAGE[0], severity="critical"),
    _alert("FilesystemFull", "web1:9100", "firing", NOW - HOUR, mountpoint="/boot"),
    _alert("ProbeSlow", HOSTILE, "pending", NOW - MINUTE, note=HOSTILE_LABELS[0][1]),
)
SILENCE = Silence(
    1,
    (Matcher("mountpoint", "=", "/boot"),),
    NOW - HOUR,
    NOW + HOUR,
    "<b>resize</b>",
    "ops",
    NOW - HOUR,
)


def seed_alerts(storage: Storage) -> None:
    events = [
        AlertEvent(a.fingerprint, a.rule, a.labels, a.active_since_ms, "firing", 0.0)
        for a in ALERTS
        if a.state != "pending"
    ]
    resolved = ALERTS[1]
    events.append(
        AlertEvent(resolved.fingerprint, resolved.rule, resolved.labels, OUTAGE[1], "resolved", 1.0)
    )
    storage.save_alerts(ALERTS, [], events)
    storage.add_silence(SILENCE)
