"""The budget of scrapes in flight: a scrape past its share fails naming it, one within its
share waits for memory given back, and a scrape's memory is all given back when it ends."""

from contextlib import AsyncExitStack

import anyio
import pytest

from model.errors import ScrapeError
from scraper.scrape.admission import BYTE_COST, SAMPLE_COST, Budget

pytestmark = pytest.mark.anyio
MIB = 2**20


async def test_a_scrape_past_its_share_of_a_spent_budget_fails_naming_the_budget() -> None:
    budget = Budget(8 * MIB)
    async with budget.ticket() as big, budget.ticket() as other:
        await big.take(samples=6 * MIB // SAMPLE_COST)

        with pytest.raises(ScrapeError) as failed:
            await other.take(body_bytes=5 * MIB // BYTE_COST)

    assert failed.value.kind == "memory"
    assert failed.value.reason == (
        "body needs over 4.0 MiB in flight, its share of the 8.0 MiB the scrapes in flight "
        "may hold (--scrape-memory)"
    )


async def test_a_scrape_within_its_share_waits_until_memory_is_given_back() -> None:
    budget = Budget(8 * MIB)
    granted = anyio.Event()

    async def small() -> None:
        async with budget.ticket() as ticket:
            await ticket.take(samples=MIB // SAMPLE_COST)
            granted.set()

    async with anyio.create_task_group() as group, AsyncExitStack() as stack:
        big = await stack.enter_async_context(budget.ticket())
        await big.take(samples=(8 * MIB - 1000) // SAMPLE_COST)
        group.start_soon(small)
        await anyio.wait_all_tasks_blocked()
        assert not granted.is_set()

        await stack.aclose()  # the big scrape ends
        with anyio.fail_after(5):
            await granted.wait()


async def test_a_scrape_gives_back_everything_it_held_when_it_ends() -> None:
    budget = Budget(8 * MIB)

    async def failing_scrape() -> None:
        async with budget.ticket() as ticket:
            await ticket.take(body_bytes=1000, samples=1000)
            raise ScrapeError("parse error at line 3: invalid value", "parse")

    with pytest.raises(ScrapeError):
        await failing_scrape()

    assert budget.used == 0
