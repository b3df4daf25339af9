"""The server page's Containers and Services sections and the overview's container count."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage import Storage, TargetHealth
from tests.storage.builders import NOW
from tests.storage.conftest import BACKENDS
from tests.web import dockerhost
from tests.web.conftest import SETTINGS, open_empty, own_database
from tests.web.dockerhost import DB_ID, DOCKER, PLAIN, WEB_ID
from tests.web.fleet import node_samples
from web.app import create_app
from web.views import containers


@pytest.fixture(scope="module", params=BACKENDS)
def docker_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Storage]:
    with own_database(request.param, tmp_path_factory.mktemp("docker")) as url:
        store = open_empty(url)
        dockerhost.seed(store)
        yield store
        store.close()


@pytest.fixture(scope="module")
def client(docker_store: Storage) -> Iterator[TestClient]:
    with TestClient(create_app(docker_store, SETTINGS)) as test_client:
        yield test_client


def target(store: Storage, instance: str = DOCKER) -> TargetHealth:
    return next(t for t in store.targets() if t.instance == instance)


def test_containers_are_listed_busiest_first_with_their_figures(docker_store: Storage) -> None:
    found = containers.of(docker_store, target(docker_store))
    web, db = found.containers
    assert (web.name, web.image, db.name, db.image) == ("web", "nginx:1.25", "db", "postgres:16")
    assert web.cpu_percent == pytest.approx(50)
    assert (web.memory_bytes, web.limit_bytes) == (200 * 2**20, 512 * 2**20)
    assert [web.read_rate, web.write_rate] == pytest.approx([1000, 2000])
    assert [web.receive_rate, web.transmit_rate] == pytest.approx([3000, 1500])


def test_no_limit_is_shown_as_none_not_zero(docker_store: Storage) -> None:
    found = containers.of(docker_store, target(docker_store))
    assert found.containers[1].limit_bytes is None


def test_services_are_apart_named_by_their_unit(docker_store: Storage) -> None:
    found = containers.of(docker_store, target(docker_store))
    assert [(s.name, s.id) for s in found.services] == [
        ("cron", dockerhost.CRON_ID),
        ("ssh", dockerhost.SSH_ID),
    ]
    assert found.services[1].cpu_percent == pytest.approx(1)


def section(html: str, name: str) -> str:
    match = re.search(rf'<section class="{name}" id="{name}">(.*?)</section>', html, re.S)
    assert match, f"no {name} section"
    return match[1]


def page(client: TestClient, instance: str = DOCKER, **query: str | list[str]) -> str:
    response = client.get(f"/servers/{instance}", params={"job": "node", **query})
    assert response.status_code == 200
    return response.text


def test_the_server_page_shows_each_container_with_cpu_memory_and_limit(
    client: TestClient,
) -> None:
    shown = section(page(client), "containers")
    row = re.search(rf'<tr data-id="{re.escape(WEB_ID)}">(.*?)</tr>', shown, re.S)
    assert row
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in row[1].split("</td>")][1:-1]
    assert cells == ["web", "nginx:1.25", "50.0 %", "200 MiB", "512 MiB", "1000 B/s",
                     "1.95 KiB/s", "2.93 KiB/s", "1.46 KiB/s"]  # fmt: skip


def test_the_services_section_lists_the_services(client: TestClient) -> None:
    shown = section(page(client), "services")
    assert "ssh" in shown
    assert "cron" in shown
    assert "nginx" not in shown


def test_the_busiest_containers_are_charted_when_none_is_ticked(client: TestClient) -> None:
    shown = section(page(client), "containers")
    titles = re.findall(r"<figcaption>(.*?) <small>", shown)
    assert titles == [
        "Container CPU",
        "Container memory (working set)",
        "Container disk I/O",
        "Container network",
    ]
    assert re.findall(r'name="container" value="([^"]+)"[^>]*checked', shown) == [WEB_ID, DB_ID]


def test_only_the_ticked_containers_are_charted(client: TestClient) -> None:
    shown = section(page(client, container=[DB_ID, "/not/a/container"]), "containers")
    legend = re.findall(r'<span class="swatch s\d"></span>([^<]+)</li>', shown)
    assert "db" in legend
    assert "web" not in legend
    assert re.findall(r'name="container" value="([^"]+)"[^>]*checked', shown) == [DB_ID]


def test_a_server_without_containers_has_neither_section(client: TestClient) -> None:
    html = page(client, PLAIN)
    assert 'id="containers"' not in html
    assert 'id="services"' not in html


def test_the_overview_counts_containers_but_not_services(client: TestClient) -> None:
    html = client.get("/").text
    counts = dict(
        re.findall(r'data-instance="([^"]+)".*?data-role="containers">([^<]*)</td>', html, re.S)
    )
    assert counts == {DOCKER: "2", PLAIN: ""}
    assert ">Containers" in html


def test_the_overview_has_no_containers_column_without_containers(
    tmp_path: Path,
) -> None:
    store = open_empty(f"sqlite:///{tmp_path / 'plain.db'}")
    store.write([dockerhost.record(PLAIN, NOW, node_samples(PLAIN, NOW))])
    with TestClient(create_app(store, SETTINGS)) as plain:
        html = plain.get("/").text
    store.close()
    assert PLAIN in html
    assert ">Containers" not in html
    assert 'data-role="containers"' not in html
