"""Bulk requests of pre-serialised actions, sent on a thread beside the loader (RES-18).

A study's document reaches the loader as JSON bytes (a mapping worker serialised it), so each
action here is its two NDJSON lines, built once: a request body is their concatenation. The
helpers of opensearch-py take documents as ``str`` and encode every one twice (once to size the
chunk, once to send it): 0.9 s of the loading process's CPU for 19k studies, about a quarter of
it. What they did beyond that is kept: chunks of ``chunk_size`` actions or ``max_chunk_bytes``,
429s (whole request or single items) retried with exponential backoff, any other failure
reported per item, never raised, so the caller dead-letters it and the load's count check
decides.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import orjson
from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

CHUNK_SIZE: Final = 500
MAX_CHUNK_BYTES: Final = 100 * 1024 * 1024
HANDOFF: Final = 100
"""Actions per queue hand-off to the sender thread: one GIL switch per batch, not per study."""
RESPONSE_FIELDS: Final = "items.*._id,items.*.status,items.*.error"
"""What is read of a bulk answer: 26 bytes an item instead of ~200."""


@dataclass(frozen=True, slots=True)
class Action:
    """One bulk action: its operation, document id and NDJSON lines (newline-terminated)."""

    op: Literal["index", "delete"]
    id: str
    lines: bytes


def index_action(index: str, doc_id: str, source: bytes) -> Action:
    head = orjson.dumps({"index": {"_index": index, "_id": doc_id}})
    return Action("index", doc_id, b"%b\n%b\n" % (head, source))


def delete_action(index: str, doc_id: str) -> Action:
    head = orjson.dumps({"delete": {"_index": index, "_id": doc_id}})
    return Action("delete", doc_id, head + b"\n")


@dataclass(frozen=True, slots=True)
class Failure:
    op: str
    id: str
    status: int | str
    error: Any

    @property
    def reason(self) -> str:
        return f"{self.op} failed ({self.status}): {self.error}"


@dataclass
class BulkResult:
    indexed: int = 0
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True)
class BulkSender:
    """Sends actions in chunks; ``send`` returns what became of them."""

    client: OpenSearch
    chunk_size: int = CHUNK_SIZE
    max_chunk_bytes: int = MAX_CHUNK_BYTES
    max_retries: int = 5
    initial_backoff: float = 1.0
    max_backoff: float = 30.0

    def send(self, actions: Iterable[Action]) -> BulkResult:
        """Send on a thread of its own while this one produces the actions (the loader maps
        and builds documents meanwhile; the socket wait releases the GIL)."""
        result = BulkResult()
        pending: queue.Queue[list[Action] | None] = queue.Queue(
            maxsize=max(4, 4 * self.chunk_size // HANDOFF)
        )
        errors: list[BaseException] = []

        def drain() -> Iterator[Action]:
            while (batch := pending.get()) is not None:
                yield from batch

        def run() -> None:
            try:
                for chunk in self.chunks(drain()):
                    self.send_chunk(chunk, result)
            except BaseException as exc:  # surfaced in the caller's thread below
                errors.append(exc)
                while pending.get() is not None:  # unblock the producer
                    pass

        sender = threading.Thread(target=run, name="bulk-sender", daemon=True)
        sender.start()
        try:
            batch: list[Action] = []
            for action in actions:
                if errors:
                    break
                batch.append(action)
                if len(batch) >= HANDOFF:
                    pending.put(batch)
                    batch = []
            if batch and not errors:
                pending.put(batch)
        finally:
            pending.put(None)
            sender.join()
        if errors:
            raise errors[0]
        return result

    def chunks(self, actions: Iterable[Action]) -> Iterator[list[Action]]:
        chunk: list[Action] = []
        size = 0
        for action in actions:
            if chunk and (
                len(chunk) >= self.chunk_size or size + len(action.lines) > self.max_chunk_bytes
            ):
                yield chunk
                chunk, size = [], 0
            chunk.append(action)
            size += len(action.lines)
        if chunk:
            yield chunk

    def send_chunk(self, chunk: list[Action], result: BulkResult) -> None:
        """One chunk, with its 429s sent again (after 1, 2, 4… s) up to ``max_retries`` times."""
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(min(self.max_backoff, self.initial_backoff * 2 ** (attempt - 1)))
            last = attempt == self.max_retries
            try:
                answer = self.client.bulk(
                    body=b"".join(a.lines for a in chunk),
                    params={"filter_path": RESPONSE_FIELDS},
                )
            except os_errors.TransportError as exc:
                if exc.status_code == 429 and not last:
                    continue
                result.failures += [Failure(a.op, a.id, exc.status_code, str(exc)) for a in chunk]
                return
            chunk = self._read(chunk, answer.get("items", []), result, retry=not last)
            if not chunk:
                return

    @staticmethod
    def _read(
        chunk: list[Action], items: list[dict[str, Any]], result: BulkResult, *, retry: bool
    ) -> list[Action]:
        """Count what succeeded, record what failed; the actions to send again (429s)."""
        if len(items) != len(chunk):
            raise os_errors.SerializationError(
                f"bulk answer lists {len(items)} items for {len(chunk)} actions"
            )
        again = []
        for action, item in zip(chunk, items, strict=True):
            op, outcome = next(iter(item.items()))
            status = outcome.get("status", 0)
            if 200 <= status < 300:
                result.indexed += op == "index"
            elif op == "delete" and status == 404:
                continue  # already gone: what a delete wanted
            elif status == 429 and retry:
                again.append(action)
            else:
                result.failures.append(Failure(op, action.id, status, outcome.get("error")))
        return again
