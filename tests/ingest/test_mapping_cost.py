"""Per-study mapping and validation cost, printed (run with ``-s``); no timing assertion.

The figures go into the mapping part of the README; they are machine-dependent.
"""

from __future__ import annotations

import time

from ingest_mapping_samples import MEDDRA, ctis, dm, full, jarde

from ingest.mapping import to_fhir
from ingest.mapping.validation import validate
from ingest.sources.records import detect_source
from ingest.translation import IDENTITY

SITE = {
    "organisme": "CHU Fictif",
    "adresse": "1 rue Test",
    "ville": "Lyon",
    "code_postal": "69000",
    "nom": "Nomtest",
    "prenom": "Alex",
    "courriel": "a@example.org",
}


def test_print_mapping_and_validation_cost() -> None:
    records = [
        full(ctis(sites_investigateurs=[SITE] * 5)),
        full(dm(sites_investigateurs=[SITE])),
        full(jarde(sites_investigateurs=[SITE] * 3)),
    ]
    sources = [detect_source(r) or "" for r in records]
    rounds = 200
    tick = time.perf_counter()
    mapped = []
    for _ in range(rounds):
        for record, source in zip(records, sources, strict=True):
            mapped.append(to_fhir(record, source=source, meddra=MEDDRA, translator=IDENTITY))
    map_cost = (time.perf_counter() - tick) / len(mapped)
    sample = mapped[: len(records) * 20]
    tick = time.perf_counter()
    for study in sample:
        validate(study)  # type: ignore[arg-type]
    validate_cost = (time.perf_counter() - tick) / len(sample)
    print(
        f"\nmapping: {map_cost * 1e6:.0f} µs/study ({1 / map_cost:.0f} studies/s/core); "
        f"validation: {validate_cost * 1e3:.2f} ms/study ({1 / validate_cost:.0f} studies/s/core)"
    )
