"""Site coordinates at ingest: one geo_point per placed site, the others counted in the run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from studies_fixture import alias_settings, drop_alias, jarde_records

from eclaire_core import stored
from eclaire_core.gazetteer import gazetteer
from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from ingest.pipeline import run_ingest

NOWHERE = {
    "organisme": "Clinique d'Atlantide",
    "adresse": "1 rue Engloutie",
    "ville": "Atlantide",
    "code_postal": "99999",
    "nom": "Nemo",
    "prenom": "Capitaine",
}


@pytest.fixture
def settings(opensearch_url: str, tmp_path: Path) -> Iterator[Settings]:
    settings = alias_settings(opensearch_url, "geo", tmp_path / "var", validation="none")
    yield settings
    drop_alias(settings)


def test_placed_and_unplaced_sites(settings: Settings, tmp_path: Path) -> None:
    records = jarde_records(range(6))
    for record in records[:2]:  # two studies with a third site nobody can place
        record["sites_investigateurs"] = [*record["sites_investigateurs"], NOWHERE]
    export = tmp_path / "export_eclaire_jarde.json"
    export.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    result = run_ingest([export], settings, "full")
    assert (result.load.sites_located, result.load.sites_unlocated) == (12, 2)
    assert result.to_dict()["load"]["sites_unlocated"] == 2  # in the run record too
    client = sync_client(settings)
    hits = client.search(index=settings.index_alias, body={"size": 10})["hits"]["hits"]
    client.close()
    for hit in hits:
        source = stored.decoded(hit["_source"])
        expected = []
        for location in source["locations"]:
            address = location["address"]
            place = gazetteer().locate(address.get("postalCode"), address.get("city"))
            if place is not None:
                expected.append({"lat": place.lat, "lon": place.lon})
        assert source["site_geo"] == expected
        assert len(source["site_geo"]) == 2
