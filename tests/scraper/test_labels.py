from model.samples import Sample
from scraper.labels import Attacher

TARGET = (("instance", "web-1:9110"), ("job", "node"), ("zone", "eu"))


def test_target_labels_are_added_and_all_labels_sorted() -> None:
    (sample,) = Attacher(TARGET, honor_labels=False)([Sample("up", (("mode", "idle"),), 1.0)])
    assert sample.labels == (
        ("instance", "web-1:9110"),
        ("job", "node"),
        ("mode", "idle"),
        ("zone", "eu"),
    )


def test_a_clashing_scraped_label_is_kept_as_exported_when_not_honoring() -> None:
    (sample,) = Attacher(TARGET, honor_labels=False)([Sample("m", (("job", "app"),), 1.0)])
    assert dict(sample.labels)["job"] == "node"
    assert dict(sample.labels)["exported_job"] == "app"


def test_a_clashing_scraped_label_wins_when_honoring() -> None:
    (sample,) = Attacher(TARGET, honor_labels=True)([Sample("m", (("job", "app"),), 1.0)])
    assert dict(sample.labels)["job"] == "app"
    assert "exported_job" not in dict(sample.labels)


def test_empty_label_values_are_dropped() -> None:
    (sample,) = Attacher(TARGET, honor_labels=False)([Sample("m", (("device", ""),), 1.0)])
    assert "device" not in dict(sample.labels)


def test_value_and_timestamp_pass_through() -> None:
    (sample,) = Attacher(TARGET, honor_labels=False)([Sample("m", (), 2.5, 1234)])
    assert (sample.value, sample.timestamp_ms) == (2.5, 1234)


def test_a_label_set_seen_again_gets_the_same_merged_labels() -> None:
    attacher = Attacher(TARGET, honor_labels=False)
    first = attacher([Sample("m", (("job", "app"),), 1.0)])
    again = attacher([Sample("m", (("job", "app"),), 2.0)])
    assert again[0].labels == first[0].labels
    assert dict(again[0].labels)["exported_job"] == "app"


def test_only_the_last_scrapes_label_sets_are_remembered() -> None:
    attacher = Attacher(TARGET, honor_labels=False)
    attacher([Sample("m", (("cpu", str(n)),), 1.0) for n in range(3)])
    attacher([Sample("m", (("cpu", "0"),), 1.0)])
    assert attacher.remembered == 1
