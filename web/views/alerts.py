"""Current alerts, their history and silences as the pages and the API show them.

The scraper evaluates and stores alerts; the web only reads them, and works out whether a
firing alert is silenced itself, so a silence made here shows at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from starlette.datastructures import QueryParams

from storage import (
    SHOWN_STATES,
    Alert,
    AlertEvent,
    ShownState,
    Silence,
    Storage,
    silenced_by,
)
from storage import shown_state as state_of
from web.http import params

HISTORY_STATES = ("pending", "firing", "resolved")


@dataclass(frozen=True, slots=True)
class Shown:
    """An alert with the state people see and the silences that mute it."""

    alert: Alert
    state: ShownState
    silenced_by: tuple[int, ...]

    def sort_key(self) -> list[str]:
        return [str(SHOWN_STATES.index(self.state)), self.alert.rule, self.alert.fingerprint]

    @property
    def summary(self) -> str:
        return dict(self.alert.annotations).get("summary", "")

    @property
    def server_path(self) -> str:
        job = dict(self.alert.labels).get("job", "")
        return f"/servers/{quote(self.alert.instance, safe=':')}?{urlencode({'job': job})}"

    @property
    def silence_path(self) -> str:
        """The /alerts form, filled in to silence this alert."""
        lines = f'alertname="{self.alert.rule}"\ninstance="{self.alert.instance}"'
        return f"/alerts?{urlencode({'silence': lines})}#new-silence"


@dataclass(frozen=True, slots=True)
class Filters:
    """``state=`` and ``instance=``, each optional."""

    state: str = ""
    instance: str = ""

    @classmethod
    def from_query(cls, query: QueryParams, states: Sequence[str]) -> Filters:
        state = query.get("state", "")
        return cls(
            params.choice("state", state, states) if state else "", query.get("instance", "")
        )

    def keep(self, state: str, instance: str) -> bool:
        return self.state in ("", state) and self.instance in ("", instance)


def current(store: Storage, now_ms: int, filters: Filters = Filters()) -> list[Shown]:
    """The current alerts, firing first, then by rule."""
    silences = store.silences()
    shown = [
        Shown(a, state_of(a, silences, now_ms), tuple(silenced_by(silences, a.labels, now_ms)))
        for a in store.alerts()
    ]
    kept = [s for s in shown if filters.keep(s.state, s.alert.instance)]
    return sorted(kept, key=Shown.sort_key)


def history(store: Storage, filters: Filters = Filters()) -> list[AlertEvent]:
    """Transitions, newest first."""
    return store.alert_history(filters.instance, filters.state)


def history_key(event: AlertEvent) -> list[str]:
    """A key ascending in newest-first order, for keyset pagination."""
    return [f"{10**16 - event.timestamp_ms:017d}", event.fingerprint, event.state]


def firing_by_instance(shown: Sequence[Shown]) -> Counter[str]:
    """How many alerts fire (not silenced, not suppressed) on each instance."""
    return Counter(s.alert.instance for s in shown if s.state == "firing")


def active_silences(store: Storage, now_ms: int) -> list[Silence]:
    """Silences in force or still to come, the soonest to end first."""
    return sorted((s for s in store.silences() if s.ends_ms > now_ms), key=lambda s: s.ends_ms)
