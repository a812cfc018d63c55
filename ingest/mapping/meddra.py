"""MedDRA lowest-level-term labels (RES-14): a configurable ``code$label`` table.

MedDRA is licensed, so the repository ships only a synthetic sample
(``eclaire_core/data/meddra_llt_sample.txt``, read by :class:`eclaire_core.meddra.MeddraTable`);
here the codes of a study become its MedDRA conditions.
"""

from __future__ import annotations

from typing import Any

from eclaire_core.meddra import MEDDRA_CODE, MeddraTable
from ingest.mapping.codes import MEDDRA_SYSTEM
from ingest.sources.text import warn


def meddra_conditions(
    study_id: str, value: str | None, table: MeddraTable, warnings: list[str]
) -> list[dict[str, Any]]:
    """One ``meddra-condition-{id}-{code}`` condition per distinct code, no cap (RES-14).

    A code missing from the table keeps its coding without a display and is warned about (the
    reference dropped it silently); a token that is not a code is dropped with a warning.
    """
    conditions: list[dict[str, Any]] = []
    seen: set[str] = set()
    for token in (value or "").replace(";", ",").split(","):
        code = token.strip()
        if not code or code in seen:
            continue
        if not MEDDRA_CODE.fullmatch(code):
            warn(warnings, "meddra", f"not a MedDRA code: {code[:40]!r}")
            continue
        seen.add(code)
        coding: dict[str, Any] = {"system": MEDDRA_SYSTEM, "code": code}
        label = table.label(code)
        if label is None:
            warn(warnings, "meddra", f"code {code} not in the LLT table")
        else:
            coding["display"] = label
        coding["version"] = "3.0.0"  # as the technical document shows it
        conditions.append({"id": f"meddra-condition-{study_id}-{code}", "coding": [coding]})
    return conditions
