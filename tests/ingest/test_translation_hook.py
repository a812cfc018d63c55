"""Translation hook: identity by default, CTIS texts only, failures cost a warning."""

from __future__ import annotations

from collections.abc import Sequence

from ingest_mapping_samples import characteristics, ctis, dm, ext, study

from eclaire_search import ig_constants as ig
from ingest.translation import IDENTITY, IdentityTranslator, StubTranslator, Translator


def test_identity_is_a_translator() -> None:
    assert isinstance(IDENTITY, Translator)
    assert IdentityTranslator().translate(["a", "b"]) == ["a", "b"]


def test_ctis_texts_are_translated_originals_kept_in_raw() -> None:
    stub = StubTranslator()
    mapped = study(ctis(), translator=stub)
    rs = mapped.research_study
    assert rs["title"] == "[Traduction locale] A PHASE II STUDY OF EXAMPLUMAB IN ADULTS"
    assert rs["condition"][0]["text"] == "[Traduction locale] Fictive carcinoma"
    assert ext(rs, ig.EXT_THERAPEUTIC_AREA)[0]["valueString"].startswith("[Traduction locale]")
    criteria = [
        c["valueCodeableConcept"]["text"] for c in characteristics(mapped.group, "grp-other")
    ]
    assert criteria == [
        "[Traduction locale] Adults with fictive carcinoma",
        "[Traduction locale] Prior examplumab",
        "[Traduction locale] Response rate at week 24",
    ]
    assert mapped.raw["titre"] == "A PHASE II STUDY OF EXAMPLUMAB IN ADULTS"
    assert "Traduction" not in rs["text"]["div"]  # the narrative shows the source as received
    assert stub.calls == 1  # one batch per study


def test_riph_studies_are_not_sent() -> None:
    stub = StubTranslator()
    assert study(dm(), translator=stub).research_study["title"].startswith("Évaluation")
    assert stub.calls == 0


class Failing:
    def translate(self, texts: Sequence[str], target: str = "fr") -> list[str]:
        raise ConnectionError("service down")


class Short:
    def translate(self, texts: Sequence[str], target: str = "fr") -> list[str]:
        return ["un"]


def test_translator_failure_keeps_originals_with_warning() -> None:
    for translator in (Failing(), Short()):
        mapped = study(ctis(), translator=translator)
        assert mapped.research_study["title"] == "A PHASE II STUDY OF EXAMPLUMAB IN ADULTS"
        assert any(w.startswith("translation:") for w in mapped.warnings)
