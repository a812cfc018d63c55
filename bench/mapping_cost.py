"""Per-study mapping and validation cost, in-process: `python -m bench.mapping_cost`.

Speed lives here, not in tests; the figures are machine-dependent.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ingest"))
from ingest_mapping_samples import MEDDRA, ctis, dm, full, jarde

from ingest.mapping import to_fhir
from ingest.mapping.validation import validate, validators

SITE = {
    "organisme": "CHU Fictif",
    "adresse": "1 rue Test",
    "ville": "Lyon",
    "code_postal": "69000",
    "nom": "Nomtest",
    "prenom": "Alex",
    "courriel": "a@example.org",
}


def main() -> None:
    records = [
        full(ctis(sites_investigateurs=[SITE] * 5)),
        full(dm(sites_investigateurs=[SITE])),
        full(jarde(sites_investigateurs=[SITE] * 3)),
    ]
    rounds = 200
    tick = time.perf_counter()
    mapped = []
    for _ in range(rounds):
        for record in records:
            mapped.append(to_fhir(record, meddra=MEDDRA))
    map_cost = (time.perf_counter() - tick) / len(mapped)
    sample = mapped[: len(records) * 20]
    validators()  # compiled once per process (~0.1 s), before the fork in a load: not per study
    tick = time.perf_counter()
    for study in sample:
        validate(study)  # type: ignore[arg-type]
    validate_cost = (time.perf_counter() - tick) / len(sample)
    print(
        f"\nmapping: {map_cost * 1e6:.0f} µs/study ({1 / map_cost:.0f} studies/s/core); "
        f"validation: {validate_cost * 1e3:.2f} ms/study ({1 / validate_cost:.0f} studies/s/core)"
    )


if __name__ == "__main__":
    main()
