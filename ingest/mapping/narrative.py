"""Narratives (RES-11): the raw source data on the ResearchStudy, short summaries elsewhere.

The ResearchStudy keeps the reference's "Données reçues avant modélisation FHIR" list (MAP-22)
so a reader sees what SI-RIPH2G sent, but XML-escaped and without null values. Group, Location
and Organization get a short narrative generated from their own content, never a study's raw
data (the reference copied the whole study onto each of them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ingest.sources.fields import StudyFields
from ingest.sources.text import clean, xml_escape

XHTML_OPEN = '<div xmlns="http://www.w3.org/1999/xhtml">'
HEADING = "Données reçues avant modélisation FHIR"

_SITE_KEYS = (
    ("organisme", "Organisme"),
    ("adresse", "Adresse"),
    ("service", "Service"),
    ("ville", "Ville"),
    ("code_postal", "Code postal"),
    ("titre", "Titre"),
    ("titre_investigateur", "Titre"),
    ("nom", "Nom"),
    ("prenom", "Prénom"),
    ("courriel", "Courriel"),
    ("telephone", "Téléphone"),
)


def _joined(pairs: Iterable[tuple[str, str | None]]) -> str | None:
    text = " - ".join(f"{label}: {value}" for label, value in pairs if value is not None)
    return text or None


def _objects(value: Any, keys: Sequence[tuple[str, str]]) -> list[str]:
    """One line per array element that has at least one non-null field."""
    if not isinstance(value, list):
        return []
    lines = []
    for item in value:
        if isinstance(item, dict):
            parts = [
                f"{label}: {text}"
                for key, label in keys
                if (raw := item.get(key)) is not None and (text := clean(raw)) is not None
            ]
            if parts:
                lines.append(" - ".join(parts))
    return lines


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    return clean(value)


def source_rows(f: StudyFields, study_id: str, fallback_date: str | None) -> list[tuple[str, Any]]:
    """(key, value) in the reference's order; values are text or lists of lines (None: omit)."""
    sp, pub = f.sponsor, f.public_contact
    ctis = f.source == "ctis"
    return [
        ("reglementation_code", f.regulation),
        ("precision_reglementation", f.precision_raw),
        ("etat", f.etat),
        ("organisme_nom", sp.organisation),
        ("organisme_adresse", sp.address),
        ("organisme_code_postal", sp.postal_code),
        ("organisme_pays", sp.country),
        ("organisme_ville", sp.city),
        ("contact_nom", sp.last_name),
        ("contact_prenom", sp.first_name),
        ("contact_telephone", sp.phone),
        ("contact_courriel", sp.email),
        ("sites", _objects(f.sites, _SITE_KEYS)),
        ("numero_primaire", study_id),
        ("titre", f.title),
        ("phase_recherche", f.phase_text),
        ("competences", f.competences),
        ("domaine_therapeutique", f.therapeutic_area),
        ("pathologies_maladies_rares", f.condition),
        ("informations_meddra", f.meddra),
        ("taille_etude", _scalar(f.size)),
        ("tranches_age", f.ages),
        ("sexe", f.sexes),
        ("groupes_sujet", f.subject_group),
        (
            "population_recrutement" if ctis else "population_vulnerable",
            f.population if ctis else _scalar(f.vulnerable),
        ),
        ("date_debut_recrutement", f.recruitment_start),
        ("historique", f.history),
        ("dates_avis_favorable_ms_mns", f.approvals),
        ("pays_concernes", f.countries),
        ("date_theorique_maximale_autorisation_cpp", fallback_date),
        (
            "contact_public",
            _joined(
                (
                    ("Nom", pub.last_name),
                    ("Prénom", pub.first_name),
                    ("Courriel", pub.email),
                    ("Téléphone", pub.phone),
                )
            ),
        ),
        ("criteres_eligibilite", _objects(f.eligibility, (("titre", "Titre"), ("type", "Type")))),
        ("criteres_jugement", _objects(f.outcomes, (("titre", "Titre"), ("type", "Type")))),
        ("objectifs", f.objectives),
        ("duree_participation", _scalar(f.duration)),
        ("resume", f.summary),
        ("statut_recrutement", f.recruitment_status),
        ("date_fin_recrutement", f.recruitment_end),
    ]


def source_narrative(
    f: StudyFields,
    study_id: str,
    fallback_date: str | None,
    extras: Sequence[tuple[str, str | None]] = (),
) -> dict[str, str]:
    """``ResearchStudy.text``: status ``additional``, as it holds data not in the elements.

    ``extras`` (:func:`ingest.mapping.extras.extra_rows`) follow the reference's rows.
    """
    parts = [XHTML_OPEN, "<h2>", HEADING, "</h2><ul>"]
    for key, value in [*source_rows(f, study_id, fallback_date), *extras]:
        if not value:
            continue
        if isinstance(value, list):
            lines = "".join(f"<li>{xml_escape(line)}</li>" for line in value)
            parts.append(f"<li>{key}:<ul>{lines}</ul></li>")
        else:
            parts.append(f"<li>{key}: {xml_escape(value)}</li>")
    parts.append("</ul></div>")
    return {"status": "additional", "div": "".join(parts)}


def generated_narrative(title: str, items: Sequence[str] = ()) -> dict[str, str]:
    """A short ``generated`` narrative: a title paragraph and an optional list (text escaped)."""
    body = f"<p>{xml_escape(title)}</p>"
    if items:
        body += "<ul>" + "".join(f"<li>{xml_escape(i)}</li>" for i in items) + "</ul>"
    return {"status": "generated", "div": f"{XHTML_OPEN}{body}</div>"}
