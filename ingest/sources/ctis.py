"""Reading a CTIS record (``export_eclaire_ctis.json``, Regulation 536/2014) into StudyFields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ingest.sources.fields import Party, StudyFields, common_fields
from ingest.sources.records import primary_id
from ingest.sources.text import clean, fold, warn

# intervention_faible → the text matched against the precision displays (MAP-5). "Oui"/"Non"
# are accepted too: the reference crashed on them (SRC-4).
_LOW_INTERVENTION = {
    "no": "un essai clinique (CTIS)",
    "non": "un essai clinique (CTIS)",
    "yes": "un essai clinique à faible intervention (CTIS)",
    "oui": "un essai clinique à faible intervention (CTIS)",
}


def extract(record: Mapping[str, Any], warnings: list[str]) -> StudyFields:
    """The CTIS view of ``record``: sponsor from ``organisme_*`` and ``contact_*``."""

    def text(key: str) -> str | None:
        value = record.get(key)
        return None if value is None else clean(value, warnings, key)

    low = text("intervention_faible")
    precision = None
    if low is not None:
        precision = _LOW_INTERVENTION.get(fold(low))
        if precision is None:
            warn(warnings, "precision", f"intervention_faible {low!r} is neither Yes nor No")
    return StudyFields(
        source="ctis",
        regulation="REG536",
        id=primary_id(record, "ctis"),
        title=text("titre"),
        precision=precision,
        precision_raw=precision or low,
        phase_text=text("phase_recherche"),
        competences=None,
        submission_date=None,
        condition=text("pathologies_maladies_rares"),
        meddra=text("informations_meddra"),
        ages=text("tranches_age"),
        sexes=text("sexe"),
        subject_group=text("groupes_sujet"),
        population=text("population_recrutement"),
        vulnerable=None,
        countries=text("pays_concernes"),
        sponsor=Party(
            organisation=text("organisme_nom"),
            address=text("organisme_adresse"),
            postal_code=text("organisme_code_postal"),
            city=text("organisme_ville"),
            country=text("organisme_pays"),
            last_name=text("contact_nom"),
            first_name=text("contact_prenom"),
            phone=text("contact_telephone"),
            email=text("contact_courriel"),
        ),
        **common_fields(record, warnings),
    )
