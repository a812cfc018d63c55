"""Organizations (MAP-6, RES-10): three fixed assigners and one sponsor per study.

The assigners ``ansm``, ``ctis`` and ``eudract`` are shared by every study, so they carry a
fixed narrative of their own (the reference pasted one study's raw data onto them). The
sponsor ``{id}-primary-sponsor`` that the associatedParty extension points to is created from
the sponsor/submitter block, with its name and address only.
"""

from __future__ import annotations

from typing import Any

from eclaire_core.resources import ORGANIZATION_PROFILE, sponsor_id
from ingest.mapping.narrative import generated_narrative
from ingest.sources.fields import Party


def party_address(party: Party) -> dict[str, Any] | None:
    """The sponsor/submitter postal address; the country is free text (a name)."""
    if not party.has_address:
        return None
    address: dict[str, Any] = {"use": "work", "type": "physical"}
    if party.address:
        address["line"] = [party.address]
    if party.city:
        address["city"] = party.city
    if party.postal_code:
        address["postalCode"] = party.postal_code
    if party.country:
        address["country"] = party.country
    return address


def build_sponsor(party: Party, study_id: str, last_updated: str) -> dict[str, Any] | None:
    """``{id}-primary-sponsor`` with name and address, or None without an organisation name."""
    if not party.organisation:
        return None
    org: dict[str, Any] = {
        "resourceType": "Organization",
        "id": sponsor_id(study_id),
        "meta": {"lastUpdated": last_updated, "profile": [ORGANIZATION_PROFILE]},
        "text": generated_narrative(
            party.organisation, [f"Promoteur principal de l'étude {study_id}"]
        ),
        "name": party.organisation,
    }
    address = party_address(party)
    if address:
        org["address"] = [address]
    return org
