"""Translation of CTIS texts into French: a step between mapping and documents.

``to_fhir`` stays pure; this step takes the mapped studies, looks their English texts up in
the translation memory (``ingest/translation_memory.py``), sends only the unknown ones to a
:class:`Translator` (DeepL in production, ``ingest/deepl_translator.py``) in batches, within a
character budget per run, and writes the French text plus the original into the resources
(``ingest/translation_slots.py``). When the service stops (quota exhausted, budget reached,
outage) the remaining texts stay in English, are counted, and are tried again next run: a
translation problem never fails a load. RIPH studies are French already and are never sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, runtime_checkable

from opensearchpy import OpenSearch

from eclaire_core.settings import Settings
from ingest.mapping import MappedStudy, Unpublished
from ingest.prepared import Outcome, PreparedStudy
from ingest.translation_memory import TranslationMemory
from ingest.translation_slots import (
    SOURCE_LANG,
    TARGET_LANG,
    TRANSLATED_SOURCES,
    Kind,
    Slot,
    editable,
    is_translated,
    slots,
    write,
)

STUDIES_PER_ROUND: Final = 200
"""Studies gathered before one memory lookup and the DeepL requests for their misses."""
NO_KEY: Final = "ECLAIRE_DEEPL_AUTH_KEY is not set: CTIS texts are served in English"


@runtime_checkable
class Translator(Protocol):
    def translate(
        self, texts: Sequence[str], target: str = "fr", *, html: bool = False
    ) -> list[str]:
        """One translation per input text, in order; may raise TranslationUnavailable."""
        ...


class TranslationUnavailable(Exception):
    """The service will translate nothing more in this run (the reason is a short code)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class IdentityTranslator:
    """Returns the texts unchanged (a translator that costs nothing, for tools and tests)."""

    def translate(
        self, texts: Sequence[str], target: str = "fr", *, html: bool = False
    ) -> list[str]:
        return list(texts)


class StubTranslator:
    """Marks texts as locally "translated", like the reference without an API key; for tests."""

    def __init__(self, prefix: str = "[Traduction locale] ") -> None:
        self.prefix = prefix
        self.calls = 0

    def translate(
        self, texts: Sequence[str], target: str = "fr", *, html: bool = False
    ) -> list[str]:
        self.calls += 1
        return [f"{self.prefix}{text}" for text in texts]


IDENTITY = IdentityTranslator()


@dataclass
class TranslationSummary:
    """What the step did in one run; part of the run summary."""

    enabled: bool = False
    note: str | None = None
    studies: int = 0
    studies_translated: int = 0
    texts: int = 0
    from_memory: int = 0
    already_translated: int = 0
    translated: int = 0
    untranslated: int = 0
    texts_sent: int = 0  # distinct texts DeepL translated in this run
    characters_sent: int = 0
    requests: int = 0
    stopped: str | None = None
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Pending:
    study: MappedStudy
    slots: list[tuple[Slot, str]]  # slot, memory key


class TranslationStep:
    """Translate the CTIS studies of an outcome stream, in rounds of ``STUDIES_PER_ROUND``."""

    def __init__(
        self,
        translator: Translator,
        memory: TranslationMemory,
        *,
        budget: int,
        summary: TranslationSummary | None = None,
        max_texts: int = 50,
        max_characters: int = 30_000,
    ) -> None:
        self.translator = translator
        self.memory = memory
        self.budget = budget
        self.summary = summary if summary is not None else TranslationSummary()
        self.summary.enabled = True
        self.max_texts = max_texts
        self.max_characters = max_characters

    def close(self) -> None:
        close = getattr(self.translator, "close", None)
        if callable(close):
            close()

    def __call__(self, outcomes: Iterable[Outcome]) -> Iterator[MappedStudy | Unpublished]:
        buffer: list[MappedStudy | Unpublished] = []
        for outcome in outcomes:
            if isinstance(outcome, PreparedStudy):  # its document would predate translation
                raise TypeError(f"{outcome.id}: translate studies before their documents")
            buffer.append(outcome)
            if len(buffer) >= STUDIES_PER_ROUND:
                yield from self._round(buffer)
                buffer = []
        if buffer:
            yield from self._round(buffer)

    def _round(self, outcomes: list[MappedStudy | Unpublished]) -> list[MappedStudy | Unpublished]:
        out: list[MappedStudy | Unpublished] = []
        pending: list[_Pending] = []
        for outcome in outcomes:
            if isinstance(outcome, MappedStudy) and outcome.source in TRANSLATED_SOURCES:
                outcome = self._collect(outcome, pending)
            out.append(outcome)
        if not pending:
            return out
        texts = {key: (slot.kind, slot.text) for p in pending for slot, key in p.slots}
        known = self._lookup(list(texts))
        self.summary.from_memory += sum(key in known for p in pending for _, key in p.slots)
        misses = {key: value for key, value in texts.items() if key not in known}
        fresh = self._send(misses)
        known.update(fresh)
        self.summary.translated += sum(key in fresh for p in pending for _, key in p.slots)
        for p in pending:
            done = 0
            for slot, key in p.slots:
                if key in known:
                    write(slot, known[key])
                    done += 1
            self.summary.untranslated += len(p.slots) - done
            self.summary.studies_translated += done == len(p.slots)
        return out

    def _collect(self, study: MappedStudy, pending: list[_Pending]) -> MappedStudy:
        self.summary.studies += 1
        copy = editable(study)
        todo = []
        for slot in slots(copy.research_study, copy.group):
            self.summary.texts += 1
            if is_translated(slot):  # e.g. a resource read back from the index or a mirror
                self.summary.already_translated += 1
                continue
            todo.append((slot, self.memory.key(slot.text, slot.kind)))
        if not todo:
            self.summary.studies_translated += 1
            return study
        pending.append(_Pending(copy, todo))
        return copy

    def _lookup(self, keys: list[str]) -> dict[str, str]:
        try:
            return self.memory.lookup(keys)
        except Exception as exc:  # no memory: do not pay for texts we could not remember
            self._stop("memory-unavailable", exc)
            return {}

    def _send(self, misses: dict[str, tuple[Kind, str]]) -> dict[str, str]:
        """Translate what the budget allows, batch by batch; store each batch in memory."""
        fresh: dict[str, str] = {}
        for kind in ("text", "html"):
            batch: list[tuple[str, str]] = []
            size = 0
            for key, (k, text) in misses.items():
                if k != kind:
                    continue
                if self.summary.stopped:
                    break
                full = len(batch) >= self.max_texts or size + len(text) > self.max_characters
                over = self.summary.characters_sent + size + len(text) > self.budget
                if batch and (full or over):
                    fresh.update(self._request(batch, kind))
                    batch, size = [], 0
                if self.summary.characters_sent + len(text) > self.budget:
                    self._stop("budget-reached")
                if self.summary.stopped:
                    break
                batch.append((key, text))
                size += len(text)
            if batch and not self.summary.stopped:
                fresh.update(self._request(batch, kind))
        return fresh

    def _request(self, batch: list[tuple[str, str]], kind: Kind) -> dict[str, str]:
        texts = [text for _, text in batch]
        self.summary.requests += 1
        self.summary.characters_sent += sum(len(t) for t in texts)
        try:
            translations = self.translator.translate(texts, TARGET_LANG, html=kind == "html")
        except TranslationUnavailable as exc:
            self._stop(exc.reason, exc)
            return {}
        except Exception as exc:  # a client bug or odd answer must not fail the load
            self._stop("service-error", exc)
            return {}
        if len(translations) != len(texts) or not all(
            isinstance(t, str) and t.strip() for t in translations
        ):
            self._stop("unusable-answer")
            return {}
        result = {key: t.strip() for (key, _), t in zip(batch, translations, strict=True)}
        self.summary.texts_sent += len(batch)
        try:
            self.memory.store({key: (kind, text, result[key]) for key, text in batch})
        except Exception as exc:  # translated but not remembered: use it, say so
            self.summary.errors.append(f"memory store failed: {exc}")
        return result

    def _stop(self, reason: str, exc: BaseException | None = None) -> None:
        if self.summary.stopped is None:
            self.summary.stopped = reason
        if exc is not None and len(self.summary.errors) < 10:
            text = str(exc) if isinstance(exc, TranslationUnavailable) else f"{reason}: {exc}"
            self.summary.errors.append(text[:300])


def translation_step(
    settings: Settings, client: OpenSearch, summary: TranslationSummary
) -> TranslationStep | None:
    """The step the settings ask for, or None (and a note in ``summary``) without a key."""
    key = settings.deepl_auth_key.get_secret_value().strip() if settings.deepl_auth_key else ""
    if not key:
        summary.note = NO_KEY
        return None
    from ingest.deepl_translator import (
        MAX_CHARACTERS_PER_REQUEST,
        MAX_TEXTS_PER_REQUEST,
        DeepLTranslator,
    )

    translator = DeepLTranslator(
        key, server_url=settings.deepl_server_url, glossary_id=settings.deepl_glossary_id
    )
    memory = TranslationMemory(
        client,
        settings.translation_memory_index,
        source_lang=SOURCE_LANG,
        target_lang=TARGET_LANG,
        glossary=settings.deepl_glossary_id,
        replicas=settings.index_replicas,
    )
    return TranslationStep(
        translator,
        memory,
        budget=settings.deepl_char_budget,
        summary=summary,
        max_texts=MAX_TEXTS_PER_REQUEST,
        max_characters=MAX_CHARACTERS_PER_REQUEST,
    )
