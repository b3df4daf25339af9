"""Container names and images from a Docker-style API on a Unix socket, read rarely."""

import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from exporter.collectors.cgroups import CgroupsCollector
from exporter.config import CollectorOptions
from exporter.engines import REFRESH, RETRY, EngineNames, Names
from tests.exporter.cgroupfiles import DOCKER_ID, DOCKER_V2, PODMAN_ID, v2_cgroup
from tests.exporter.dockerapi import DockerAPI, container, docker_api
from tests.exporter.fakehost import FakeHost, samples

PODMAN_V2 = f"/machine.slice/libpod-{PODMAN_ID}.scope"


@pytest.fixture
def socket_path() -> Iterator[Path]:
    # A Unix socket path has at most 107 bytes: pytest's tmp_path can be longer.
    directory = tempfile.mkdtemp(prefix="hw-", dir="/tmp")
    yield Path(directory, "docker.sock")
    shutil.rmtree(directory)


@pytest.fixture
def api(socket_path: Path) -> Iterator[DockerAPI]:
    with docker_api(socket_path) as running:
        running.listed = [container(DOCKER_ID, "web", "nginx:1.25")]
        yield running


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def names_of(collector: CgroupsCollector) -> dict[str, tuple[str, str]]:
    """cgroup path -> (name, image) as the collector labels it."""
    return {
        dict(labels)["id"]: (dict(labels)["name"], dict(labels)["image"])
        for (name, labels), _ in samples(collector).items()
        if name == "container_last_seen"
    }


def collector(fake: FakeHost, socket_path: Path) -> CgroupsCollector:
    options = CollectorOptions(container_sockets=(str(socket_path),))
    return CgroupsCollector(fake.host, options)


def test_name_and_image_come_from_the_engine_api(
    fake: FakeHost, api: DockerAPI, socket_path: Path
) -> None:
    v2_cgroup(fake, DOCKER_V2)
    assert names_of(collector(fake, socket_path)) == {DOCKER_V2: ("web", "nginx:1.25")}


def test_the_api_is_asked_once_for_all_containers_over_several_scrapes(
    fake: FakeHost, api: DockerAPI, socket_path: Path
) -> None:
    v2_cgroup(fake, DOCKER_V2)
    v2_cgroup(fake, PODMAN_V2)
    api.listed.append(container(PODMAN_ID, "db", "postgres:16"))
    scraping = collector(fake, socket_path)
    for _ in range(3):
        samples(scraping)
    assert api.requests == [("GET", "/containers/json")]


def test_an_unknown_container_is_looked_up_again_only_after_the_retry_interval(
    api: DockerAPI, socket_path: Path
) -> None:
    clock = Clock()
    engines = EngineNames((str(socket_path),), clock)
    assert engines.lookup(PODMAN_ID) is None
    api.listed.append(container(PODMAN_ID, "db", "postgres:16"))
    clock.now += RETRY - 1
    assert engines.lookup(PODMAN_ID) is None
    clock.now += 1
    assert engines.lookup(PODMAN_ID) == Names("db", "postgres:16")
    assert len(api.requests) == 2


def test_known_names_are_refreshed_when_the_list_is_old(api: DockerAPI, socket_path: Path) -> None:
    clock = Clock()
    engines = EngineNames((str(socket_path),), clock)
    assert engines.lookup(DOCKER_ID) == Names("web", "nginx:1.25")
    api.listed = [container(DOCKER_ID, "web-renamed", "nginx:1.26")]
    clock.now += REFRESH - 1
    assert engines.lookup(DOCKER_ID) == Names("web", "nginx:1.25")
    clock.now += 1
    assert engines.lookup(DOCKER_ID) == Names("web-renamed", "nginx:1.26")


def test_a_missing_socket_leaves_the_names_of_the_cgroup_path(
    fake: FakeHost, socket_path: Path
) -> None:
    v2_cgroup(fake, DOCKER_V2)
    assert names_of(collector(fake, socket_path)) == {DOCKER_V2: (DOCKER_ID[:12], "")}


def test_an_engine_error_is_logged_once_and_names_fall_back_to_the_path(
    fake: FakeHost, api: DockerAPI, socket_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    v2_cgroup(fake, DOCKER_V2)
    api.status, api.body = 500, b'{"message":"server error"}'
    clock = Clock()
    scraping = collector(fake, socket_path)
    scraping.engines = EngineNames((str(socket_path),), clock)
    with caplog.at_level(logging.WARNING, logger="exporter.engines"):
        assert names_of(scraping) == {DOCKER_V2: (DOCKER_ID[:12], "")}
        clock.now += RETRY
        names_of(scraping)
    assert len(api.requests) == 2
    assert [record.getMessage() for record in caplog.records] == [
        f"container names from {socket_path}: {socket_path}: GET /containers/json answered 500 "
        "(names from cgroup paths instead)"
    ]


@pytest.mark.parametrize(
    "body", [b"<html>not json</html>", b'{"Id": "not a list"}', b'[{"Names": ["/no-id"]}, 7]']
)
def test_a_malformed_container_list_names_nothing(
    api: DockerAPI, socket_path: Path, body: bytes
) -> None:
    api.body = body
    assert EngineNames((str(socket_path),)).lookup(DOCKER_ID) is None


def test_names_of_a_moment_ago_are_kept_while_the_engine_fails(
    api: DockerAPI, socket_path: Path
) -> None:
    clock = Clock()
    engines = EngineNames((str(socket_path),), clock)
    assert engines.lookup(DOCKER_ID) == Names("web", "nginx:1.25")
    api.status = 503
    clock.now += REFRESH
    assert engines.lookup(DOCKER_ID) == Names("web", "nginx:1.25")


def test_containers_of_other_engines_are_not_looked_up(
    fake: FakeHost, api: DockerAPI, socket_path: Path
) -> None:
    v2_cgroup(fake, "/lxc.payload.web1")
    v2_cgroup(fake, f"/kubepods.slice/kubepods-pod1.slice/crio-{DOCKER_ID}.scope")
    names = names_of(collector(fake, socket_path))
    assert set(names.values()) == {("web1", ""), (DOCKER_ID[:12], "")}
    assert api.requests == []
