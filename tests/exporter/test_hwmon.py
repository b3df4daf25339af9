from exporter.collectors.hwmon import HwmonCollector
from exporter.collectors.thermal_zone import ThermalZoneCollector
from tests.exporter.fakehost import FakeHost, families, samples

CORE = (("chip", "platform_coretemp_0"), ("sensor", "temp1"))


def coretemp(fake: FakeHost, **files: str) -> None:
    """hwmon0 -> /sys/devices/platform/coretemp.0/hwmon/hwmon0, as the kernel links it."""
    device = fake.host.sys("devices/platform/coretemp.0")
    hwmon = device / "hwmon/hwmon0"
    for name, text in {"name": "coretemp", **files}.items():
        fake.sys(str((hwmon / name).relative_to(fake.host.sysfs)), f"{text}\n")
    (hwmon / "device").symlink_to(device)
    link = fake.host.sys("class/hwmon/hwmon0")
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(hwmon)


def test_hwmon_temperatures_are_celsius_per_chip_and_sensor(fake: FakeHost) -> None:
    coretemp(fake, temp1_input="45000", temp1_crit="100000", temp1_max="84000")
    got = samples(HwmonCollector(fake.host))
    assert got[("node_hwmon_temp_celsius", CORE)] == 45
    assert got[("node_hwmon_temp_crit_celsius", CORE)] == 100
    assert got[("node_hwmon_temp_max_celsius", CORE)] == 84


def test_hwmon_names_the_chip_after_its_device_and_annotates_its_name(fake: FakeHost) -> None:
    coretemp(fake, temp1_input="45000")
    got = samples(HwmonCollector(fake.host))
    chip_name = (("chip", "platform_coretemp_0"), ("chip_name", "coretemp"))
    assert got[("node_hwmon_chip_names", chip_name)] == 1


def test_hwmon_exposes_sensor_labels_as_an_annotation(fake: FakeHost) -> None:
    coretemp(fake, temp1_input="45000", temp1_label="Package id 0")
    got = samples(HwmonCollector(fake.host))
    labels = (("chip", "platform_coretemp_0"), ("label", "Package id 0"), ("sensor", "temp1"))
    assert got[("node_hwmon_sensor_label", labels)] == 1


def test_hwmon_fans_are_rpm_and_voltages_volts(fake: FakeHost) -> None:
    coretemp(fake, fan1_input="1200", fan1_min="300", in0_input="1250")
    got = samples(HwmonCollector(fake.host))
    chip = ("chip", "platform_coretemp_0")
    assert got[("node_hwmon_fan_rpm", (chip, ("sensor", "fan1")))] == 1200
    assert got[("node_hwmon_fan_min_rpm", (chip, ("sensor", "fan1")))] == 300
    assert got[("node_hwmon_in_volts", (chip, ("sensor", "in0")))] == 1.25


def test_hwmon_alarms_are_unitless_status_gauges(fake: FakeHost) -> None:
    coretemp(fake, temp1_alarm="1")
    fams = families(HwmonCollector(fake.host))
    assert fams["node_hwmon_temp_alarm"].documentation == "Hardware sensor alarm status (temp)"
    assert fams["node_hwmon_temp_alarm"].samples[0].value == 1


def test_hwmon_crit_alarm_is_named_and_scaled_as_a_temperature_like_node_exporter(
    fake: FakeHost,
) -> None:
    coretemp(fake, temp1_crit_alarm="1")
    got = samples(HwmonCollector(fake.host))
    assert got[("node_hwmon_temp_crit_alarm_celsius", CORE)] == 0.001


def test_hwmon_without_sensors_reports_no_readings(fake: FakeHost) -> None:
    assert {name for name, _ in samples(HwmonCollector(fake.host))} == set()


def test_thermal_zones_report_celsius_by_type_and_zone(fake: FakeHost) -> None:
    fake.sys("class/thermal/thermal_zone0/type", "acpitz\n")
    fake.sys("class/thermal/thermal_zone0/temp", "27800\n")
    got = samples(ThermalZoneCollector(fake.host))
    assert got[("node_thermal_zone_temp", (("type", "acpitz"), ("zone", "0")))] == 27.8


def test_cooling_devices_report_current_and_maximum_state(fake: FakeHost) -> None:
    for name, text in {"type": "Processor", "cur_state": "1", "max_state": "3"}.items():
        fake.sys(f"class/thermal/cooling_device0/{name}", f"{text}\n")
    got = samples(ThermalZoneCollector(fake.host))
    device = (("name", "0"), ("type", "Processor"))
    assert got[("node_cooling_device_cur_state", device)] == 1
    assert got[("node_cooling_device_max_state", device)] == 3
