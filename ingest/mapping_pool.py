"""Mapping and validating records on worker processes, beside the loader (RES-17).

``to_fhir`` and validation are pure and take about half of a load's Python CPU; in one process
they wait for the document building and the bulk sending, on a core the engine also wants.
With ``ECLAIRE_INGEST_WORKERS`` = N > 0, records go in chunks to N forked processes and their
results come back **in input order**, so everything decided in order — duplicates (the first
occurrence wins), bookkeeping, dead letters, the yielded stream — is decided exactly as in one
process, by the caller. At most ``WINDOW`` chunks per worker are under way: memory stays bounded
however large the exports.

The workers are forked when the pool is created, which the ingest pipeline does before the
loader's bulk-sender thread starts, so no lock that thread holds is copied into a worker (the
CLI's spinner thread holds only its console's). A load run off the main thread — the nightly
scheduler runs its job on one of its own threads, beside its others — gets workers from a fork
server instead: a fresh process, the mapper pickled to them.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final, TypeVar

import orjson

from eclaire_core.gazetteer import gazetteer
from ingest.bookkeeping import should_validate
from ingest.mapping import MappedStudy, MeddraTable, RecordRejected, to_fhir
from ingest.mapping.validation import validate, validators
from ingest.prepared import Outcome, prepare
from ingest.versions import Indexed, now_instant

CHUNK: Final = 64
"""Records per task: enough to make the hand-off cheap, few enough to keep results flowing."""
WINDOW: Final = 4
"""Chunks under way per worker."""

T = TypeVar("T")
PASS: Final = object()
"""What ``record_of`` returns for an item passed through unmapped (a read error)."""


@dataclass(frozen=True, slots=True)
class Mapped:
    """What became of one record: a study (or unpublished id), or a rejection with its reason.

    ``at_validation``: the record mapped (``study_id`` is its id) but failed validation, which a
    duplicate id overrides, as when validation waits for the duplicate check.
    """

    study_id: str | None
    outcome: Outcome | None = None
    kind: str = ""
    reason: str = ""
    at_validation: bool = False
    validated: bool = False


def _internal(exc: Exception, where: str) -> str:
    detail = traceback.format_exception_only(exc)[-1].strip()
    return f"unexpected error while {where}: {detail}"


@dataclass(frozen=True)
class RecordMapper:
    """One record → :class:`Mapped`; the same code in one process or in a worker."""

    meddra: MeddraTable
    exclusions: frozenset[str]
    validation: str
    unchanged: Callable[[MappedStudy], bool] | None = None
    prepare: bool = False
    """In a worker, send back prepared studies (ingest/prepared.py) instead of studies."""
    previous: Mapping[str, Indexed] = field(default_factory=dict)
    """What the index holds, by id: the versions prepared documents start from."""
    full: bool = True
    """Whether the load builds a new index (then an unchanged study is sent again)."""
    run_time: str = field(default_factory=now_instant)
    """The run's time: ``lastUpdated`` of a changed study whose document date is older."""

    def __call__(self, record: Any) -> Mapped:
        try:
            outcome = to_fhir(record, meddra=self.meddra, excluded=self.exclusions)
        except RecordRejected as exc:
            return Mapped(exc.study_id, kind=exc.kind, reason=exc.reason)
        except Exception as exc:  # a mapping bug must cost one record, not the run
            return Mapped(None, kind="internal-error", reason=_internal(exc, "mapping"))
        checked = False
        try:
            checked = isinstance(outcome, MappedStudy) and should_validate(
                outcome.id, self.validation
            )
            if checked and self.unchanged is not None:
                assert isinstance(outcome, MappedStudy)
                checked = not self.unchanged(outcome)
            if checked:
                assert isinstance(outcome, MappedStudy)
                validate(outcome)
        except RecordRejected as exc:
            return Mapped(outcome.id, None, exc.kind, exc.reason, True, checked)
        except Exception as exc:
            reason = _internal(exc, "mapping")
            return Mapped(outcome.id, None, "internal-error", reason, True, checked)
        return Mapped(outcome.id, outcome, validated=checked)


_WORKER_MAPPER: RecordMapper | None = None


def _install(mapper: RecordMapper) -> None:
    global _WORKER_MAPPER
    _WORKER_MAPPER = mapper


def _encode(records: list[Any]) -> tuple[list[bytes], dict[int, Any]]:
    """Records as they cross to a worker: JSON bytes, which orjson writes and reads back in a
    third of pickle's time (0.2 + 1.6 s for the 19k set against 0.7 + 2.5 s); a record orjson
    cannot write (a lone surrogate, an integer beyond 64 bits) crosses as itself, by position."""
    encoded: list[bytes] = []
    kept: dict[int, Any] = {}
    for position, record in enumerate(records):
        try:
            encoded.append(orjson.dumps(record))
        except orjson.JSONEncodeError:
            encoded.append(b"")
            kept[position] = record
    return encoded, kept


def _map_chunk(encoded: list[bytes], kept: dict[int, Any]) -> list[Mapped]:
    """In a worker: map a chunk (see :func:`_encode`); the records stay with the caller."""
    mapper = _WORKER_MAPPER
    assert mapper is not None
    results = []
    for position, text in enumerate(encoded):
        result = mapper(kept[position] if position in kept else orjson.loads(text))
        if isinstance(result.outcome, MappedStudy):
            # A document that cannot be built fails the run, here as in the loader.
            study = result.outcome
            if mapper.prepare:
                prior = mapper.previous.get(study.id)
                ready = prepare(study, prior, mapper.run_time, full=mapper.full)
                result = dataclasses.replace(result, outcome=ready)
        results.append(result)
    return results


def _preload(mapper: RecordMapper) -> None:
    """Build the tables every worker needs before forking: each would build its own (the
    gazetteer 0.24 s, the validators 0.09 s of CPU), and forked workers share these pages."""
    gazetteer()
    if mapper.validation != "none":
        validators()


class MappingPool:
    """``workers`` forked processes mapping with ``mapper`` (0: map in this process)."""

    def __init__(self, mapper: RecordMapper, workers: int) -> None:
        self.mapper = mapper
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        on_main = threading.current_thread() is threading.main_thread()
        self.start_method = "fork" if on_main else "forkserver"
        if workers > 0:
            if self.start_method == "fork":
                _preload(mapper)
            self._pool = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context(self.start_method),
                initializer=_install,
                initargs=(mapper,),
            )
            # Under fork the executor starts every worker at its first task: now, not later
            # beside the loader's thread. A worker that dies fails the run (BrokenProcessPool).
            self._pool.submit(int).result()

    def __enter__(self) -> MappingPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(
        self, items: Iterable[T], record_of: Callable[[T], Any]
    ) -> Iterator[tuple[T, Mapped | None]]:
        """Each item with the mapping of its record, in order; ``record_of`` gives an item's
        record, or :data:`PASS` for an item passed through unmapped (a read error)."""
        if self._pool is None:
            for item in items:
                record = record_of(item)
                yield item, (None if record is PASS else self.mapper(record))
            return
        pending: deque[tuple[list[T], list[bool], Future[list[Mapped]]]] = deque()
        batch: list[T] = []
        for item in items:
            batch.append(item)
            if len(batch) >= CHUNK:
                pending.append(self._submit(batch, record_of))
                batch = []
                if len(pending) >= WINDOW * self.workers:
                    yield from self._collect(pending.popleft())
        if batch:
            pending.append(self._submit(batch, record_of))
        while pending:
            yield from self._collect(pending.popleft())

    def _submit(
        self, batch: list[T], record_of: Callable[[T], Any]
    ) -> tuple[list[T], list[bool], Future[list[Mapped]]]:
        assert self._pool is not None
        records = [record_of(item) for item in batch]
        present = [record is not PASS for record in records]
        task = self._pool.submit(_map_chunk, *_encode([r for r in records if r is not PASS]))
        return batch, present, task

    @staticmethod
    def _collect(
        entry: tuple[list[T], list[bool], Future[list[Mapped]]],
    ) -> Iterator[tuple[T, Mapped | None]]:
        batch, present, task = entry
        results = iter(task.result())
        for item, has_record in zip(batch, present, strict=True):
            yield item, (next(results) if has_record else None)
