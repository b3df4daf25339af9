"""Registered servers (written by the web app, read by the scraper) and target sources (the
reverse), on both backends."""

from __future__ import annotations

import dataclasses

import pytest

from model.errors import RegistryError
from storage import RegisteredServer, Storage, TargetSource

SERVER = RegisteredServer(
    address="10.0.0.7:9100",
    job="node",
    labels=(("env", "prod"), ("rack", "r4")),
    scheme="http",
    scrape_interval_s=120.0,
    paused=False,
    created_ms=1_000,
    updated_ms=1_000,
)
FROM_FILE = TargetSource("0/1", "node", "10.0.0.5:9100", "10.0.0.5:9100", "targets.yml", "t.yml")


def test_a_registered_server_reads_back_as_written(store: Storage) -> None:
    store.register_server(SERVER)

    assert store.registered_servers() == [SERVER]
    assert store.registered_server(SERVER.address) == SERVER


def test_registering_an_address_twice_is_refused_as_existing(store: Storage) -> None:
    store.register_server(SERVER)

    with pytest.raises(RegistryError, match=r"10\.0\.0\.7:9100 is already registered") as refused:
        store.register_server(dataclasses.replace(SERVER, job="other"))
    assert refused.value.exists


def test_a_replaced_server_keeps_its_address_with_the_new_values(store: Storage) -> None:
    store.register_server(SERVER)
    paused = dataclasses.replace(SERVER, paused=True, labels=(), updated_ms=2_000)

    store.replace_server(paused)

    assert store.registered_servers() == [paused]


def test_replacing_or_removing_an_unknown_server_is_refused_as_missing(store: Storage) -> None:
    with pytest.raises(RegistryError, match=r"no registered server 10\.0\.0\.7:9100") as replaced:
        store.replace_server(SERVER)
    with pytest.raises(RegistryError, match="no registered server") as removed:
        store.remove_server(SERVER.address)
    assert (replaced.value.exists, removed.value.exists) == (False, False)


def test_a_removed_server_is_gone(store: Storage) -> None:
    store.register_server(SERVER)

    store.remove_server(SERVER.address)

    assert store.registered_servers() == []
    assert store.registered_server(SERVER.address) is None


def test_a_scrapers_new_sources_replace_only_its_own(store: Storage) -> None:
    other = dataclasses.replace(FROM_FILE, scraper="1/2", address="10.0.0.6:9100")
    api = TargetSource("0/1", "node", SERVER.address, SERVER.address, "api", "")
    store.report_sources("1/2", [other])
    store.report_sources("0/1", [FROM_FILE])

    store.report_sources("0/1", [api])

    assert store.target_sources() == [other, api]
