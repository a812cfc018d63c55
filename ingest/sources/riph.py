"""Reading RIPH records (DM/DM-DIV and JARDE exports, SI-RIPH2G native) into StudyFields.

Both exports share the submitter block (``deposant_*``, no phone) and the ``participants_*``
fields; they differ in the precision field (``qualification`` vs ``qualification_recherche``)
and JARDE's ``competences``, which carries the early-phase flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ingest.sources.fields import Party, StudyFields, common_fields
from ingest.sources.records import Source, primary_id, regulation_code
from ingest.sources.text import clean


def extract(record: Mapping[str, Any], source: Source, warnings: list[str]) -> StudyFields:
    """The RIPH view of ``record`` (``source`` is ``dm`` or ``jarde``)."""

    def text(key: str) -> str | None:
        value = record.get(key)
        return None if value is None else clean(value, warnings, key)

    precision = text("qualification_recherche" if source == "jarde" else "qualification")
    return StudyFields(
        source=source,
        regulation=regulation_code(record) or "",
        id=primary_id(record, source),
        title=text("titre_recherche"),
        precision=precision,
        precision_raw=precision,
        phase_text=None,
        competences=text("competences") if source == "jarde" else None,
        submission_date=text("date_soumission"),
        condition=None,
        meddra=None,
        ages=text("participants_tranches_age"),
        sexes=text("participants_sexe"),
        subject_group=text("participants_groupe_sujets"),
        population=None,
        vulnerable=record.get("participants_population_vulnerable"),
        countries=None,
        sponsor=Party(
            organisation=text("deposant_organisme"),
            address=text("deposant_adresse"),
            postal_code=text("deposant_code_postal"),
            city=text("deposant_ville"),
            country=text("deposant_pays"),
            last_name=text("deposant_nom"),
            first_name=text("deposant_prenom"),
            email=text("deposant_courriel"),
        ),
        **common_fields(record, warnings),
    )
