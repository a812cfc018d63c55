"""Sites → Location (MAP-15, RES-7): fragment → fragment, and the SRC-4 site weaknesses."""

from __future__ import annotations

from typing import Any

import pytest
from ingest_mapping_samples import ctis, dm, study

from eclaire_core import ig_constants as ig

FULL_SITE = {
    "organisme": "APHP - Hopital Fictif",
    "adresse": "125 rue de Test",
    "service": "gastro",
    "ville": "BOBIGNY",
    "code_postal": 93000,
    "titre_investigateur": "Professeur",
    "nom": "NOMTEST",
    "prenom": "ROBERT",
    "courriel": "site@example.org",
    "telephone": "0100000003",
}


def test_location_full() -> None:
    (loc,) = study(dm(sites_investigateurs=[FULL_SITE])).locations
    assert loc["id"] == "2023-A90001-12-0-site"
    assert loc["meta"]["profile"] == [ig.PROFILE_LOCATION]
    assert loc["identifier"] == [{"use": "official", "value": "2023-A90001-12-0-site"}]
    assert loc["name"] == "APHP - Hopital Fictif"
    assert loc["address"] == {
        "use": "work",
        "type": "physical",
        "line": ["125 rue de Test", "gastro"],
        "city": "BOBIGNY",
        "postalCode": "93000",
        "country": "FR",
    }
    assert loc["telecom"] == [
        {"system": "email", "value": "site@example.org", "use": "work"},
        {"system": "phone", "value": "0100000003", "use": "work"},
        {
            "extension": [
                {
                    "url": ig.EXT_SITE_CONTACT_NAME,
                    "valueHumanName": {
                        "use": "official",
                        "family": "NOMTEST",
                        "given": ["ROBERT"],
                        "prefix": ["Professeur"],
                    },
                }
            ],
            "system": "other",
            "use": "work",
        },
    ]
    assert loc["text"]["status"] == "generated"


def test_site_indexes_count_emitted_sites_without_gaps() -> None:
    sites: list[Any] = [
        {"organisme": None, "adresse": None, "ville": None},  # all-null placeholder
        {"organisme": "Site B", "ville": "Lyon"},
        {"adresse": "sans organisme"},  # organisme key absent: skipped (the reference kept "")
        {"organisme": "  ", "ville": "X"},
        {"organisme": "Site E"},
    ]
    mapped = study(dm(sites_investigateurs=sites))
    assert [loc["id"] for loc in mapped.locations] == [
        "2023-A90001-12-0-site",
        "2023-A90001-12-1-site",
    ]
    assert mapped.research_study["site"] == [
        {"reference": "Location/2023-A90001-12-0-site", "type": "Location"},
        {"reference": "Location/2023-A90001-12-1-site", "type": "Location"},
    ]
    assert sum(w.startswith("sites:") for w in mapped.warnings) == 2


def test_null_address_parts_are_left_out() -> None:
    (loc,) = study(
        dm(sites_investigateurs=[{"organisme": "Solo", "adresse": None, "service": "Cardio"}])
    ).locations
    assert loc["address"] == {
        "use": "work",
        "type": "physical",
        "line": ["Cardio"],
        "country": "FR",
    }
    assert "telecom" not in loc


def test_ctis_site_title_and_entities() -> None:
    (loc,) = study(ctis()).locations
    assert loc["name"] == "CHU d'Exempleville"
    person = loc["telecom"][0]["extension"][0]["valueHumanName"]
    assert person == {"use": "official", "family": "Nomfictif", "given": ["Alex"], "prefix": ["Dr"]}
    assert loc["address"]["country"] == "FR"  # RES-7: sites are French sites


@pytest.mark.parametrize("value", [None, "absent", "pas une liste", {"organisme": "x"}])
def test_null_absent_or_wrong_sites(value: object) -> None:
    record = dm()
    if value == "absent":
        del record["sites_investigateurs"]
    else:
        record["sites_investigateurs"] = value
    mapped = study(record)
    assert mapped.locations == []
    assert "site" not in mapped.research_study


def test_old_sites_key_is_not_read() -> None:
    record = ctis(sites_investigateurs=None, sites=[{"organisme": "Ancien"}])
    assert study(record).locations == []


def test_a_placeholder_organisme_site_is_kept_without_name() -> None:
    """The reference's own CTIS test site (issue 13): organisme "Donnée non disponible"."""
    site = {
        "organisme": "Donnée non disponible",
        "adresse": "Avenue Eugene Avinee",
        "ville": "Lille",
        "code_postal": "59350",
        "titre": "Dr.",
        "nom": "Aumar",
        "prenom": "Madeleine",
        "service": "Gastroenterology Hepatology and Nutrition Unit Paediatric clinic, Child Unit",
        "courriel": "test@sante.gouv",
        "telephone": "0168496726",
    }
    mapped = study(ctis(sites_investigateurs=[site, {"organisme": "Donnée non disponible"}]))
    (loc,) = mapped.locations  # the all-placeholder second site carries nothing: skipped
    assert "name" not in loc
    assert loc["address"]["city"] == "Lille" and loc["address"]["postalCode"] == "59350"
    person = loc["telecom"][2]["extension"][0]["valueHumanName"]
    assert person == {
        "use": "official",
        "family": "Aumar",
        "given": ["Madeleine"],
        "prefix": ["Dr."],
    }
    assert mapped.research_study["site"] == [
        {"reference": f"Location/{loc['id']}", "type": "Location"}
    ]
    assert any(w.startswith("site-no-name:") for w in mapped.warnings)
