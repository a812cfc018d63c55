"""``generate``: write the three exports, the malformed tags and the summary, streamed.

Each file is a bare JSON array written one element per line. The elements come from a few
streams (published studies per category, uncounted extras, bad records) merged in a seeded
random order, so kinds are spread through the file rather than in blocks. Only the streams'
counters, the shuffled ``etat`` sequence and the last good id are held in memory, never the
records, so ``scale=200_000`` runs in constant memory.

Determinism: every record draws from its own ``random.Random`` seeded with
``seed/category/stream/ordinal``, so its content does not depend on the records before it or,
``etat`` aside, on the scale.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal

import orjson

from ingest.generator import ctis, fixed, ids, riph
from ingest.generator import malformed as bad_records
from ingest.generator.schema import (
    CATEGORIES_OF,
    FILE_KEYS,
    FILE_NAMES,
    ID_FIELD,
    Category,
    FileKey,
)
from ingest.generator.shape import (
    ETAT_COUNTS,
    ETATS,
    REPATRIATED,
    Shape,
    shape_for,
    status_sequence,
)
from ingest.generator.summary import FileSummary, GenerationSummary

TAGS_FILE: Final = "malformed_tags.ndjson"
TOPICS_FILE: Final = "study_topics.ndjson"
"""One ``{"id", "disease", "condition"}`` line per published study (the disease's key and the
wording drawn): the ground truth of ``bench.relevance``."""
SUMMARY_FILE: Final = "generation_summary.json"
Role = Literal["pub", "extra", "bad"]
Progress = Callable[[int], None]


@dataclass(slots=True)
class _Stream:
    role: Role
    category: Category
    count: int
    id_stream: int
    taken: int = 0


def _number(file: FileKey, stream: int, ordinal: int) -> tuple[int, str]:
    if file == "ctis":
        return ids.ctis_number(stream, ordinal)
    return ids.riph_number(ids.DM_SPACE if file == "dm" else ids.JARDE_SPACE, stream, ordinal)


def _build(
    rng: random.Random, category: Category, etat: str, number: str, year: int, row: int
) -> tuple[dict[str, Any], tuple[str, str]]:
    """The record and its (disease key, condition wording), which are not part of the record."""
    if category == "CTIS":
        record = ctis.build(rng, etat, number, year, row)
    else:
        record = riph.build(rng, category, etat, number, year)
    return record, record.pop("_disease")


def _any_etat(rng: random.Random, category: Category) -> str:
    """An ``etat`` drawn with the category's production weights (for uncounted records)."""
    return rng.choices(ETATS, weights=ETAT_COUNTS[category])[0]


class _FileRun:
    """Produces one file's elements in order, keeps its counts and writes its bad-record tags.

    Within-file duplicates copy the id of the last published study already written, so the
    good occurrence always comes first; the merge defers such a bad record until one exists.
    """

    def __init__(
        self,
        file: FileKey,
        shape: Shape,
        seed: int,
        bad: list[bad_records.Kind],
        summary: GenerationSummary,
        tags_out: BinaryIO,
        topics_out: BinaryIO,
    ) -> None:
        self.file, self.shape, self.seed, self.bad, self.summary = file, shape, seed, bad, summary
        self.tags_out, self.topics_out = tags_out, topics_out
        self.stats = FileSummary(FILE_NAMES[file])
        self.last_good: str | None = None
        self.statuses: dict[Category, list[str]] = {}
        self.streams: list[_Stream] = []
        categories = CATEGORIES_OF[file]
        for position, category in enumerate(categories):
            etats = dict(shape.etats[category])
            if category in ("CTIS", "JARDE"):
                etats["EN_COURS"] -= 1  # taken by the fixed study
            self.statuses[category] = status_sequence(etats, seed, category)
            self.streams.append(_Stream("pub", category, len(self.statuses[category]), position))
        for position, category in enumerate(categories):
            extras = shape.unpublished[category] + (shape.repatriated if category == "JARDE" else 0)
            self.streams.append(_Stream("extra", category, extras, len(categories) + position))
        self.bad_stream = _Stream(
            "bad", categories[0], len(bad), ids.DM_SPACE.streams - 1 if file == "dm" else 2
        )
        self.streams.append(self.bad_stream)

    def elements(self) -> Iterator[Any]:
        if self.file == "ctis":
            yield self._fixed(fixed.ctis_study())
        elif self.file == "jarde":
            yield self._fixed(fixed.jarde_study())
        merge = random.Random(f"{self.seed}/merge/{self.file}")
        while remaining := sum(s.count - s.taken for s in self.streams):
            pick = merge.randrange(remaining)
            stream = self.streams[-1]
            for candidate in self.streams:
                left = candidate.count - candidate.taken
                if pick < left:
                    stream = candidate
                    break
                pick -= left
            if stream is self.bad_stream and self._needs_original():
                stream = next(s for s in self.streams if s.role == "pub" and s.taken < s.count)
            yield self._next(stream)
            stream.taken += 1

    def _topic(self, number: str, disease: tuple[str, str]) -> None:
        row = {"id": number, "disease": disease[0], "condition": disease[1]}
        self.topics_out.write(orjson.dumps(row) + b"\n")

    def _fixed(self, record: dict[str, Any]) -> dict[str, Any]:
        disease = record.pop("_disease")
        self._topic(record[ID_FIELD[self.file]], disease)
        self.stats.published += 1
        self.summary.etats["CTIS" if self.file == "ctis" else "JARDE"]["EN_COURS"] += 1
        return record

    def _needs_original(self) -> bool:
        kind = self.bad[self.bad_stream.taken]
        return kind.name == "duplicate-id-in-file" and self.last_good is None

    def _next(self, stream: _Stream) -> Any:
        k, category = stream.taken, stream.category
        year, number = _number(self.file, stream.id_stream, k)
        row = 10_000 + k * 3 + stream.id_stream
        rng = random.Random(f"{self.seed}/{category}/{stream.role}/{k}")
        if stream.role == "pub":
            etat = self.statuses[category][k]
            self.stats.published += 1
            self.summary.etats[category][etat] += 1
            self.last_good = number
            record, disease = _build(rng, category, etat, number, year, row)
            self._topic(number, disease)
            return record
        if stream.role == "extra":
            record, _ = _build(rng, category, _any_etat(rng, category), number, year, row)
            if k < self.shape.unpublished[category]:
                self.stats.unpublished += 1
                record["publication_eclaire"] = "non autorisé" if rng.random() < 0.7 else None
            else:
                self.stats.repatriated += 1
                record["etat"] = REPATRIATED
            return record
        return self._bad(rng, k, number, year, row)

    def _bad(self, rng: random.Random, k: int, number: str, year: int, row: int) -> Any:
        kind = self.bad[k]
        categories = CATEGORIES_OF[self.file]
        category = categories[0] if len(categories) == 1 or rng.random() < 0.9 else categories[1]
        etat = _any_etat(rng, category)
        record, _ = _build(rng, category, etat, number, year, row)
        original = None
        if kind.name == "duplicate-id-in-file":
            original = self.last_good
        elif kind.name == "duplicate-id-across-files":
            # A published DM study: the DM/DM-DIV file is written before the JARDE one.
            _, original = ids.riph_number(
                ids.DM_SPACE, 0, rng.randrange(self.shape.published["DM"])
            )
        element = bad_records.corrupt(kind, record, self.file, rng, k, original)
        if kind.expected == "warning":
            self.stats.warning += 1
            self.summary.warning_etats[category][etat] += 1
        else:
            self.stats.dead_letter += 1
        self.summary.malformed_kinds[kind.name] += 1
        record_id = element.get(ID_FIELD[self.file]) if isinstance(element, dict) else None
        line = bad_records.tag(FILE_NAMES[self.file], self.stats.records, record_id or None, kind)
        self.tags_out.write(orjson.dumps(line) + b"\n")
        return element


def planned_records(scale: int | None = None, malformed_count: int = 0) -> int:
    """How many array elements a run writes in total (for progress bars)."""
    shape = shape_for(scale)
    extras = sum(shape.unpublished.values()) + shape.repatriated
    return sum(shape.published.values()) + extras + malformed_count


def _write_json_array(
    path: Path, elements: Iterator[Any], run: _FileRun, progress: Progress | None
) -> None:
    """Stream ``elements`` to ``path`` as a bare JSON array, one element per line, atomically."""
    part = path.with_name(path.name + ".part")
    with open(part, "wb", buffering=1 << 20) as out:
        out.write(b"[")
        for element in elements:
            out.write(b"\n" if run.stats.records == 0 else b",\n")
            out.write(orjson.dumps(element))
            run.stats.records += 1
            if progress is not None:
                progress(1)
        out.write(b"\n]\n")
    os.replace(part, path)
    run.stats.bytes = path.stat().st_size


def generate(
    out_dir: Path,
    *,
    seed: int = 42,
    scale: int | None = None,
    malformed: int = 0,
    progress: Progress | None = None,
) -> GenerationSummary:
    """Write the three exports, ``malformed_tags.ndjson``, ``study_topics.ndjson`` and
    ``generation_summary.json``.

    ``scale`` is the number of published studies (default: the production 19,053);
    ``malformed`` bad records come on top, dealt over the three files. ``progress`` is called
    with 1 after each element written.
    """
    if malformed < 0:
        raise ValueError("malformed must be >= 0")
    shape = shape_for(scale)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = GenerationSummary(seed=seed, scale=shape.scale, malformed_requested=malformed)
    bad: dict[FileKey, list[bad_records.Kind]] = {file: [] for file in FILE_KEYS}
    for index in range(malformed):
        kind, file = bad_records.kind_for(index)
        bad[file].append(kind)
    tags_part = out_dir / (TAGS_FILE + ".part")
    topics_part = out_dir / (TOPICS_FILE + ".part")
    with open(tags_part, "wb") as tags_out, open(topics_part, "wb") as topics_out:
        for file in FILE_KEYS:
            run = _FileRun(file, shape, seed, bad[file], summary, tags_out, topics_out)
            summary.files[FILE_NAMES[file]] = run.stats
            _write_json_array(out_dir / FILE_NAMES[file], run.elements(), run, progress)
    os.replace(tags_part, out_dir / TAGS_FILE)
    os.replace(topics_part, out_dir / TOPICS_FILE)
    (out_dir / SUMMARY_FILE).write_bytes(
        orjson.dumps(summary.to_dict(), option=orjson.OPT_INDENT_2) + b"\n"
    )
    return summary
