import os
from pathlib import Path

from exporter.collectors.textfile import TextfileCollector
from exporter.config import CollectorOptions
from tests.exporter.fakehost import FakeHost, families, samples

BACKUP = """# HELP backup_last_success_seconds When the last backup succeeded.
# TYPE backup_last_success_seconds gauge
backup_last_success_seconds{volume="home"} 1700000000
"""


def textfiles(fake: FakeHost, directory: Path) -> TextfileCollector:
    return TextfileCollector(fake.host, CollectorOptions(textfile_directory=str(directory)))


def test_textfile_without_a_directory_reports_only_no_error(fake: FakeHost) -> None:
    assert samples(TextfileCollector(fake.host)) == {("node_textfile_scrape_error", ()): 0}


def test_textfile_exposes_the_metrics_of_every_prom_file(fake: FakeHost, tmp_path: Path) -> None:
    (tmp_path / "backup.prom").write_text(BACKUP)
    (tmp_path / "notes.txt").write_text("not metrics")
    got = samples(textfiles(fake, tmp_path))
    assert got[("backup_last_success_seconds", (("volume", "home"),))] == 1700000000
    assert got[("node_textfile_scrape_error", ())] == 0


def test_textfile_reports_each_files_mtime(fake: FakeHost, tmp_path: Path) -> None:
    (tmp_path / "backup.prom").write_text(BACKUP)
    os.utime(tmp_path / "backup.prom", (1600000000, 1600000000))
    got = samples(textfiles(fake, tmp_path))
    assert got[("node_textfile_mtime_seconds", (("file", "backup.prom"),))] == 1600000000


def test_textfile_merges_a_family_spread_over_two_files(fake: FakeHost, tmp_path: Path) -> None:
    (tmp_path / "a.prom").write_text(BACKUP)
    (tmp_path / "b.prom").write_text(BACKUP.replace("home", "srv"))
    family = families(textfiles(fake, tmp_path))["backup_last_success_seconds"]
    assert [sample.labels["volume"] for sample in family.samples] == ["home", "srv"]


def test_textfile_skips_an_unparsable_file_and_flags_the_error(
    fake: FakeHost, tmp_path: Path
) -> None:
    (tmp_path / "backup.prom").write_text(BACKUP)
    (tmp_path / "broken.prom").write_text("this is { not metrics\n")
    got = samples(textfiles(fake, tmp_path))
    assert got[("node_textfile_scrape_error", ())] == 1
    assert ("backup_last_success_seconds", (("volume", "home"),)) in got
