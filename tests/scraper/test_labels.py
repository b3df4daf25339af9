from scraper.labels import attach
from scraper.samples import Sample

TARGET = (("instance", "web-1:9110"), ("job", "node"), ("zone", "eu"))


def test_target_labels_are_added_and_all_labels_sorted() -> None:
    (sample,) = attach([Sample("up", (("mode", "idle"),), 1.0)], TARGET, honor_labels=False)
    assert sample.labels == (
        ("instance", "web-1:9110"),
        ("job", "node"),
        ("mode", "idle"),
        ("zone", "eu"),
    )


def test_a_clashing_scraped_label_is_kept_as_exported_when_not_honoring() -> None:
    (sample,) = attach([Sample("m", (("job", "app"),), 1.0)], TARGET, honor_labels=False)
    assert dict(sample.labels)["job"] == "node"
    assert dict(sample.labels)["exported_job"] == "app"


def test_a_clashing_scraped_label_wins_when_honoring() -> None:
    (sample,) = attach([Sample("m", (("job", "app"),), 1.0)], TARGET, honor_labels=True)
    assert dict(sample.labels)["job"] == "app"
    assert "exported_job" not in dict(sample.labels)


def test_empty_label_values_are_dropped() -> None:
    (sample,) = attach([Sample("m", (("device", ""),), 1.0)], TARGET, honor_labels=False)
    assert "device" not in dict(sample.labels)


def test_value_and_timestamp_pass_through() -> None:
    (sample,) = attach([Sample("m", (), 2.5, 1234)], TARGET, honor_labels=False)
    assert (sample.value, sample.timestamp_ms) == (2.5, 1234)
