"""POST /api/v1/write: who may push, how much, and what each refusal answers.

Answers follow the remote write spec: 204 when stored in the write buffer; 4xx for what a
sender must not retry (bad data, over a limit, no or a wrong token); 429 or 503 only for what
a retry can fix (too many requests in flight, the accounts database unreachable).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from model import tokens
from model.errors import PushError, StorageError
from model.limits import Limits
from model.samples import Metadata
from scraper.remote import batch, decoder, wire
from scraper.remote.pushers import Pushers
from scraper.telemetry import Telemetry
from storage import ScrapeRecord, Storage

log = logging.getLogger(__name__)
PATH = "/api/v1/write"
MIB = 1 << 20
Deliver = Callable[[ScrapeRecord], None]
PUSHING_ROLES = frozenset({"writer", "admin"})


@dataclass(frozen=True, slots=True)
class ReceiverLimits:
    max_body_bytes: int = 10 * MIB  # as sent, snappy-compressed
    max_decoded_bytes: int = 64 * MIB
    max_samples: int = 100_000  # per request; Prometheus sends 500 to 2,000
    max_in_flight: int = 4
    wait_s: float = 10.0  # for a slot, before answering 429
    outage_grace_ms: int = (
        600_000  # a token accepted this recently passes while the database is out
    )


class Receiver:
    """Turns one request into records for ``deliver`` (the scrape sink), or a refusal."""

    def __init__(
        self,
        store: Storage,
        pushers: Pushers,
        deliver: Deliver,
        telemetry: Telemetry,
        limits: ReceiverLimits | None = None,
        storage_limits: Limits | None = None,
    ) -> None:
        self.limits = limits or ReceiverLimits()
        self._store = store
        self._pushers = pushers
        self._deliver = deliver
        self._telemetry = telemetry
        self._storage_limits = storage_limits or Limits()
        self._slots = threading.BoundedSemaphore(self.limits.max_in_flight)
        self._accepted: dict[str, int] = {}  # token digest: when it last passed
        self._metadata: dict[str, Metadata] = {}
        self._lock = threading.Lock()

    def handle(self, headers: Mapping[str, str], read: Callable[[int], bytes]) -> tuple[int, str]:
        """(HTTP status, reason) for a request with ``headers`` (names in lower case) whose body
        ``read`` returns."""
        try:
            samples = self._handle(headers, read)
        except PushError as refused:
            status, reason = refused.status, refused.reason
            log.info("remote write refused (%d): %s", status, reason)
        else:
            status, reason = 204, ""
            self._telemetry.received.inc(samples)
        self._telemetry.push_requests.labels(str(status)).inc()
        return status, reason

    def _handle(self, headers: Mapping[str, str], read: Callable[[int], bytes]) -> int:
        now_ms = time.time_ns() // 1_000_000
        self._authorize(headers.get("authorization"), now_ms)
        length = _length(headers, self.limits.max_body_bytes)
        if not self._slots.acquire(timeout=self.limits.wait_s):
            raise PushError(429, f"over {self.limits.max_in_flight} requests in flight: retry")
        try:
            body = read(length)
            if len(body) != length:
                raise PushError(400, f"body ended after {len(body):,} of {length:,} bytes")
            raw = wire.decompress(body, self.limits.max_decoded_bytes)
            request = decoder.read(raw, self.limits.max_samples, batch.IDENTITIES)
            found = batch.records(request, now_ms, self._storage_limits, self._carried(request))
            self._pushers.admit(found, now_ms)
        finally:
            self._slots.release()
        for record in found:
            self._deliver(record)
        return sum(len(record.samples) for record in found)

    def _carried(self, request: decoder.Request) -> dict[str, Metadata]:
        """The request's metadata, or that of an earlier metadata-only request: senders send
        metadata on its own, and storage keeps it with the next samples."""
        with self._lock:
            self._metadata.update(request.metadata)
            if not request.points:
                return {}
            carried, self._metadata = self._metadata, {}
            return carried

    def _authorize(self, header: str | None, now_ms: int) -> None:
        token = tokens.from_header(header) if header else None
        if token is None:
            raise PushError(
                401,
                "send an API token: Authorization: Bearer <token>, "
                "or basic auth with the token as the password",
            )
        digest = tokens.digest(token)
        try:
            user = self._store.token_owner(digest)
        except StorageError as error:
            # The samples of a token that passed a moment ago wait in the write buffer like
            # scraped ones; any other gets a 503, which the sender retries.
            if self._recently_accepted(digest, now_ms):
                return
            raise PushError(503, f"cannot check the token: {error}") from None
        if user is None:
            raise PushError(401, "the token is not valid (revoked, or mistyped)")
        if user.role not in PUSHING_ROLES:
            raise PushError(
                403, f"remote write needs the writer or admin role; {user.name} has {user.role}"
            )
        with self._lock:
            self._accepted[digest] = now_ms

    def _recently_accepted(self, digest: str, now_ms: int) -> bool:
        with self._lock:
            last = self._accepted.get(digest)
        return last is not None and now_ms - last < self.limits.outage_grace_ms


def _length(headers: Mapping[str, str], limit: int) -> int:
    encoding = headers.get("content-encoding", wire.ENCODING).strip().lower()
    if encoding != wire.ENCODING:
        raise PushError(415, f"Content-Encoding {encoding!r}: remote write 1.0 is snappy")
    media = headers.get("content-type", wire.CONTENT_TYPE)
    if not media.strip().lower().startswith(wire.CONTENT_TYPE) or "write.v2" in media:
        raise PushError(415, f"Content-Type {media!r}: only remote write 1.0 ({wire.CONTENT_TYPE})")
    declared = headers.get("content-length")
    if declared is None or not declared.strip().isdigit():
        raise PushError(411, "a Content-Length is required")
    length = int(declared)
    if length > limit:
        raise PushError(413, f"body of {length:,} bytes, over the limit of {limit:,}")
    return length
