import time

import pytest

from exporter.collectors.clock import TimeCollector
from exporter.collectors.os_release import OSCollector
from exporter.collectors.selinux import SELinuxCollector
from exporter.collectors.timex import STA_NANO, Timex, TimexCollector
from tests.exporter.fakehost import FakeHost, samples

OS_RELEASE = """PRETTY_NAME="Ubuntu 22.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.3 LTS (Jammy Jellyfish)"
ID=ubuntu
ID_LIKE=debian
# a comment
"""


def test_os_info_carries_every_os_release_label_blank_when_absent(fake: FakeHost) -> None:
    fake.root("etc/os-release", OS_RELEASE)
    labels = dict(next(labels for name, labels in samples(OSCollector(fake.host))))
    assert labels["pretty_name"] == "Ubuntu 22.04.3 LTS"
    assert labels["id_like"] == "debian"
    assert labels["build_id"] == ""
    assert len(labels) == 12


def test_os_version_is_the_major_minor_part_of_version_id(fake: FakeHost) -> None:
    fake.root("etc/os-release", OS_RELEASE.replace('"22.04"', "22.04.3"))
    got = samples(OSCollector(fake.host))
    key = ("node_os_version", (("id", "ubuntu"), ("id_like", "debian"), ("name", "Ubuntu")))
    assert got[key] == 22.04


def test_os_falls_back_to_usr_lib_os_release(fake: FakeHost) -> None:
    fake.root("usr/lib/os-release", "ID=arch\nNAME='Arch Linux'\n")
    got = samples(OSCollector(fake.host))
    assert got[("node_os_version", (("id", "arch"), ("id_like", ""), ("name", "Arch Linux")))] == 0


def test_time_reports_now_and_the_zone_offset(fake: FakeHost) -> None:
    got = samples(TimeCollector(fake.host))
    assert got[("node_time_seconds", ())] == pytest.approx(time.time(), abs=5)
    zone = time.localtime()
    assert got[("node_time_zone_offset_seconds", (("time_zone", zone.tm_zone),))] == zone.tm_gmtoff


def test_time_reports_available_and_current_clocksources(fake: FakeHost) -> None:
    fake.sys("devices/system/clocksource/clocksource0/available_clocksource", "tsc kvm-clock\n")
    fake.sys("devices/system/clocksource/clocksource0/current_clocksource", "tsc\n")
    got = samples(TimeCollector(fake.host))
    tsc = (("clocksource", "tsc"), ("device", "0"))
    assert got[("node_time_clocksource_current_info", tsc)] == 1
    assert (
        "node_time_clocksource_available_info",
        (("clocksource", "kvm-clock"), ("device", "0")),
    ) in got


def timex_collector(fake: FakeHost, state: int, timex: Timex) -> TimexCollector:
    collector = TimexCollector(fake.host)
    collector.adjtimex = lambda: (state, timex)
    return collector


def test_timex_converts_microsecond_fields_and_scaled_frequency(fake: FakeHost) -> None:
    timex = Timex(offset=-1500, freq=65536 * 10, maxerror=16000, tick=10000, status=0)
    got = samples(timex_collector(fake, 0, timex))
    assert got[("node_timex_offset_seconds", ())] == -0.0015
    assert got[("node_timex_frequency_adjustment_ratio", ())] == 1.00001
    assert got[("node_timex_maxerror_seconds", ())] == 0.016
    assert got[("node_timex_tick_seconds", ())] == 0.01


def test_timex_offset_is_in_nanoseconds_when_sta_nano_is_set(fake: FakeHost) -> None:
    got = samples(timex_collector(fake, 0, Timex(offset=1500, status=STA_NANO)))
    assert got[("node_timex_offset_seconds", ())] == 1.5e-6


def test_timex_sync_status_is_0_when_the_kernel_reports_time_error(fake: FakeHost) -> None:
    assert samples(timex_collector(fake, 5, Timex()))[("node_timex_sync_status", ())] == 0
    assert samples(timex_collector(fake, 0, Timex()))[("node_timex_sync_status", ())] == 1


def test_timex_reads_the_real_kernel_clock(fake: FakeHost) -> None:
    got = samples(TimexCollector(fake.host))
    assert 0 < got[("node_timex_tick_seconds", ())] < 1


def test_selinux_disabled_when_selinuxfs_is_not_mounted(fake: FakeHost) -> None:
    assert samples(SELinuxCollector(fake.host)) == {("node_selinux_enabled", ()): 0}


def test_selinux_reports_current_and_configured_modes(fake: FakeHost) -> None:
    fake.sys("fs/selinux/enforce", "0\n")
    fake.root("etc/selinux/config", "# comment\nSELINUX=enforcing\nSELINUXTYPE=targeted\n")
    assert samples(SELinuxCollector(fake.host)) == {
        ("node_selinux_enabled", ()): 1,
        ("node_selinux_current_mode", ()): 0,
        ("node_selinux_config_mode", ()): 1,
    }
