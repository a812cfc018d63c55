"""Investigator sites → Location ``{id}-{i}-site`` (MAP-15, RES-7, RES-11).

``i`` counts the sites actually emitted, from 0, as the technical document describes it
("commençant à 0 et incrémenté pour chaque site"); the reference kept the source array's
index, leaving gaps where placeholders were skipped (SRC-4). A site without ``organisme`` is
skipped: silently when it is the common all-null placeholder, with a warning when it carried
other data. A site whose ``organisme`` is the placeholder ``Donnée non disponible`` but whose
address, city or investigator are real is kept without ``name`` (the IG Location profile does
not require it; issue 13), with a ``site-no-name`` warning. Null address parts are left out
(the reference wrote ``null`` into ``address.line``, SRC-4). Addresses are French (RES-7).
"""

from __future__ import annotations

from typing import Any

from eclaire_core import ig_constants as ig
from eclaire_core.resources import location_id
from ingest.mapping.narrative import generated_narrative
from ingest.sources.text import clean, decode_entities, is_sentinel, warn


def _contact_name(site: dict[str, Any]) -> dict[str, Any] | None:
    prefix = clean(site.get("titre")) or clean(site.get("titre_investigateur"))
    family, given = clean(site.get("nom")), clean(site.get("prenom"))
    if not (prefix or family or given):
        return None
    name: dict[str, Any] = {"use": "official"}
    if family:
        name["family"] = family
    if given:
        name["given"] = [given]
    if prefix:
        name["prefix"] = [prefix]
    return name


def _location(
    study_id: str, index: int, name: str | None, site: dict[str, Any], last_updated: str
) -> dict[str, Any]:
    lid = location_id(study_id, index)
    address: dict[str, Any] = {"use": "work", "type": "physical"}
    lines = [line for key in ("adresse", "service") if (line := clean(site.get(key)))]
    if lines:
        address["line"] = lines
    city, postal = clean(site.get("ville")), clean(site.get("code_postal"))
    if city:
        address["city"] = city
    if postal:
        address["postalCode"] = postal
    address["country"] = "FR"
    telecom: list[dict[str, Any]] = []
    if email := clean(site.get("courriel")):
        telecom.append({"system": "email", "value": email, "use": "work"})
    if phone := clean(site.get("telephone")):
        telecom.append({"system": "phone", "value": phone, "use": "work"})
    if person := _contact_name(site):
        telecom.append(
            {
                "extension": [{"url": ig.EXT_SITE_CONTACT_NAME, "valueHumanName": person}],
                "system": "other",
                "use": "work",
            }
        )
    location: dict[str, Any] = {
        "resourceType": "Location",
        "id": lid,
        "meta": {"lastUpdated": last_updated, "profile": [ig.PROFILE_LOCATION]},
        "text": generated_narrative(
            "Site investigateur" + (f" {name}" if name else "") + (f", {city}" if city else ""),
            [f"Étude {study_id}"],
        ),
        "identifier": [{"use": "official", "value": lid}],
    }
    if name:
        location["name"] = name
    location["address"] = address
    if telecom:
        location["telecom"] = telecom
    return location


def _placeholder(value: Any) -> bool:
    return isinstance(value, str) and is_sentinel(decode_entities(value).strip())


def build_locations(
    sites: Any, study_id: str, last_updated: str, warnings: list[str]
) -> list[dict[str, Any]]:
    """One Location per site with an ``organisme``; null or absent arrays mean no site."""
    if sites is None:
        return []
    if not isinstance(sites, list):
        warn(warnings, "sites", f"sites_investigateurs is not an array ({type(sites).__name__})")
        return []
    locations: list[dict[str, Any]] = []
    for index, site in enumerate(sites):
        if not isinstance(site, dict):
            warn(warnings, "sites", f"site #{index} is not an object")
            continue
        name = clean(site.get("organisme"), warnings, f"site #{index} organisme")
        if name is None:
            if not any(clean(v) for k, v in site.items() if k != "organisme"):
                continue
            if not _placeholder(site.get("organisme")):
                warn(warnings, "sites", f"site #{index} without organisme skipped")
                continue
            warn(warnings, "site-no-name", f"site #{index}: organisme is a placeholder")
        locations.append(_location(study_id, len(locations), name, site, last_updated))
    return locations
