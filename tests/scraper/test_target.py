import statistics

from scraper.config import JobConfig
from scraper.scrape.discovery import Shard
from scraper.scrape.target import Target

JOB = JobConfig(job_name="node", scrape_interval=120.0, scrape_timeout=10.0)


def target(address: str, job: JobConfig = JOB) -> Target:
    return Target(job, address, (("instance", address), ("job", job.job_name)))


def test_url_joins_scheme_address_path_and_params() -> None:
    job = JobConfig(job_name="j", scheme="https", metrics_path="/m", params=(("a", "1"),))
    assert target("h:1", job).url == "https://h:1/m?a=1"


def test_next_scrape_keeps_the_same_offset_inside_every_interval() -> None:
    t = target("web-1:9110")
    first = t.next_scrape(1_000_000.0)
    assert t.next_scrape(first + 0.001) == first + 120.0
    assert first % 120.0 == t.next_scrape(first + 5000.0) % 120.0


def test_next_scrape_is_never_in_the_past_nor_more_than_an_interval_ahead() -> None:
    t = target("web-1:9110")
    for now in (0.0, 59.9, 119.99, 1_700_000_000.5):
        assert now <= t.next_scrape(now) < now + 120.0


def test_ten_thousand_targets_spread_evenly_over_the_interval() -> None:
    offsets = [target(f"10.0.{i // 250}.{i % 250}:9110").next_scrape(0.0) for i in range(10_000)]
    per_tenth = [sum(1 for o in offsets if k * 12 <= o < (k + 1) * 12) for k in range(10)]
    assert min(per_tenth) > 900
    assert max(per_tenth) < 1100
    assert statistics.pstdev(per_tenth) < 50


def test_a_new_target_is_first_scraped_within_five_seconds() -> None:
    assert all(0 <= target(f"h{i}:1").first_scrape(100.0) - 100.0 < 5.0 for i in range(200))


def test_shards_split_targets_so_each_is_scraped_exactly_once() -> None:
    addresses = [f"10.1.0.{i}:9110" for i in range(300)]
    shards = [Shard(i, 3) for i in range(3)]
    owners = [[s.index for s in shards if s.owns(a)] for a in addresses]
    assert all(len(o) == 1 for o in owners)
    assert min(sum(1 for o in owners if o == [i]) for i in range(3)) > 70


def test_shard_parses_i_over_n() -> None:
    assert Shard.parse("2/4") == Shard(2, 4)
