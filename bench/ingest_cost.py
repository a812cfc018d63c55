"""CPU per study of each ingest step on real generated records, in-process:

    python -m bench.ingest_cost [EXPORT.json ...] [--limit 3000]

Process CPU time (time.process_time) per step, so the figure holds on a loaded machine where
wall-clock rates do not: read+map, validation, content hash, document, bulk-body encoding, with
the garbage collector tuned as during a load (ingest/gc_tuning.py). One process: the worker
processes of a real load (RES-17) split these steps, they do not change them. The OpenSearch
side (indexing) is not in it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import orjson

from eclaire_core.settings import get_settings
from ingest.deadletter import MemoryDeadLetters
from ingest.documents import content_hash, to_document
from ingest.export_source import map_exports
from ingest.gc_tuning import load_gc
from ingest.mapping import MappedStudy
from ingest.mapping.validation import validate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_cost")
    parser.add_argument("exports", nargs="*", default=sorted(Path("var/bench/19k").glob("*.json")))
    parser.add_argument("--limit", type=int, default=3000)
    args = parser.parse_args(argv)
    with load_gc():
        return measure(args)


def measure(args: argparse.Namespace) -> int:
    settings = get_settings().model_copy(update={"validation": "none"})
    started = time.process_time()
    studies: list[MappedStudy] = []
    for outcome in map_exports(args.exports, settings, dead_letters=MemoryDeadLetters()):
        if isinstance(outcome, MappedStudy):
            studies.append(outcome)
            if len(studies) >= args.limit:
                break
    steps: dict[str, float] = {"read + map": time.process_time() - started}

    def timed(name: str, work: Any) -> list[Any]:
        tick = time.process_time()
        out = [work(s) for s in studies]
        steps[name] = time.process_time() - tick
        return out

    timed("validate (every study)", validate)
    digests = timed("content hash", content_hash)
    pairs = list(zip(studies, digests, strict=True))
    tick = time.process_time()
    documents = [
        to_document(s, version_id=1, last_updated=s.document_date, digest=d) for s, d in pairs
    ]
    steps["document (incl. stored JSON)"] = time.process_time() - tick
    tick = time.process_time()
    for document in documents:
        orjson.dumps(document)
    steps["bulk body encoding"] = time.process_time() - tick
    per_study = {k: round(v * 1000 / len(studies), 3) for k, v in steps.items()}
    sampled = sum(v for k, v in per_study.items() if not k.startswith("validate"))
    print(
        json.dumps(
            {
                "studies": len(studies),
                "cpu_ms_per_study": per_study,
                "python_ms_per_study_validation_sampled": round(sampled, 3),
                "python_ms_per_study_validation_all": round(
                    sampled + per_study["validate (every study)"], 3
                ),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
