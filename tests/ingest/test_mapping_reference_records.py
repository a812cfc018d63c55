"""The reference implementation's own test source records (``RiphDtoTestFactory``), mapped.

``tests/data/production/reference/source-records/`` holds them as export files. Issue 13: the
CTIS site whose ``organisme`` is "Donnée non disponible" was dropped whole; the DM and JARDE
records (``participants_population_vulnerable: null``) got no ``grp-studypop``; DM/JARDE and
CTIS fields outside the reference's narrative rows were lost.
"""

from __future__ import annotations

from pathlib import Path

from eclaire_core.settings import Settings
from ingest.bookkeeping import RunSummary
from ingest.deadletter import MemoryDeadLetters
from ingest.export_source import map_exports
from ingest.mapping import MappedStudy

RECORDS = Path(__file__).parents[1] / "data" / "production" / "reference" / "source-records"


def test_reference_records_map_whole(tmp_path: Path) -> None:
    dead, summary = MemoryDeadLetters(), RunSummary()
    settings = Settings(data_dir=tmp_path, validation="all")  # every resource validated
    outcomes = map_exports(
        sorted(RECORDS.glob("*.json")), settings, dead_letters=dead, summary=summary
    )
    studies = {o.id: o for o in outcomes if isinstance(o, MappedStudy)}
    assert dead.letters == [] and summary.validated == 4
    assert set(studies) == {
        "2022-500014-26-00",
        "2022-500299-71-00",
        "2021-A01563-38",
        "2021-A01022-39",
    }

    (site,) = studies["2022-500014-26-00"].locations
    assert "name" not in site and site["address"]["line"][0] == "Avenue Eugene Avinee"
    for riph in ("2021-A01563-38", "2021-A01022-39"):
        pops = [
            c
            for c in studies[riph].group["characteristic"]
            if c["code"]["coding"][0]["code"] == "grp-studypop"
        ]
        assert [c["exclude"] for c in pops] == [False], riph
    dm_div = studies["2021-A01563-38"].research_study["text"]["div"]
    assert "<li>deposant_promoteur: Promoteur institutionnel</li>" in dm_div
    ctis_div = studies["2022-500014-26-00"].research_study["text"]["div"]
    assert "<li>portee_recherche: Diagnosis</li>" in ctis_div
    assert "<li>date_fin_etude: 2025-06-10</li>" in ctis_div
