"""Admission of scrape bodies: the memory that all the scrapes in flight may hold together.

A body costs memory as it arrives: its text, decoded and split into lines, then its parsed
samples. Measured with tracemalloc on the parser (docs/operations.md, "One big scrape"): about
BYTE_COST bytes per body byte and SAMPLE_COST bytes per sample while a scrape is in flight. Each
scrape asks the budget for what a chunk's samples cost as it parses them, and gives everything
back when the scrape ends (its samples then belong to the write buffer, bounded on its own).

When the budget is spent, a scrape within its fair share (the budget over the scrapes holding
some of it) waits until another gives memory back; a scrape past its share fails at once,
naming the budget. So a few huge bodies cannot make the small ones wait for long, and every
waiter holds less than its share, so waiting cannot go round in a circle; the scrape timeout
bounds any wait.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio

from model.errors import ScrapeError

BYTE_COST = 3
SAMPLE_COST = 250
DEFAULT_BUDGET = 128 * 2**20


class Ticket:
    """What one scrape holds of the budget."""

    __slots__ = ("_budget", "held")

    def __init__(self, budget: Budget) -> None:
        self._budget = budget
        self.held = 0

    async def take(self, body_bytes: int = 0, samples: int = 0) -> None:
        """Hold the cost of ``body_bytes`` more of the body and ``samples`` more samples."""
        await self._budget.grow(self, body_bytes * BYTE_COST + samples * SAMPLE_COST)


class Budget:
    """The bytes the scrapes in flight may hold together (``--scrape-memory``)."""

    def __init__(self, limit: int = DEFAULT_BUDGET) -> None:
        self.limit = limit
        self.used = 0
        self._holders = 0
        self._freed = anyio.Event()

    @asynccontextmanager
    async def ticket(self) -> AsyncIterator[Ticket]:
        """A ticket for one scrape; what it took is given back when the block ends."""
        ticket = Ticket(self)
        self._holders += 1
        try:
            yield ticket
        finally:
            self._holders -= 1
            self.used -= ticket.held
            ticket.held = 0
            self._freed.set()
            self._freed = anyio.Event()

    async def grow(self, ticket: Ticket, amount: int) -> None:
        while self.used + amount > self.limit:
            share = self.limit // max(1, self._holders)
            if ticket.held + amount > share:
                raise ScrapeError(
                    f"body needs over {_mib(share)} in flight, its share of the "
                    f"{_mib(self.limit)} the scrapes in flight may hold (--scrape-memory)",
                    "memory",
                )
            await self._freed.wait()
        self.used += amount
        ticket.held += amount


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"
