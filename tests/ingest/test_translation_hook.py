"""Translation is not part of the mapping: ``to_fhir`` stays pure and English for CTIS."""

from __future__ import annotations

import inspect

from ingest_mapping_samples import ctis, dm, study

from ingest.mapping import to_fhir
from ingest.translation import IDENTITY, IdentityTranslator, StubTranslator, Translator


def test_identity_and_stub_are_translators() -> None:
    assert isinstance(IDENTITY, Translator)
    assert isinstance(StubTranslator(), Translator)
    assert IdentityTranslator().translate(["a", "b"]) == ["a", "b"]
    stub = StubTranslator("» ")
    assert stub.translate(["a"], html=True) == ["» a"]
    assert stub.calls == 1


def test_mapping_takes_no_translator_and_keeps_source_texts() -> None:
    assert "translator" not in inspect.signature(to_fhir).parameters
    rs = study(ctis()).research_study
    assert rs["title"] == "A PHASE II STUDY OF EXAMPLUMAB IN ADULTS"
    assert "_title" not in rs
    assert study(dm()).research_study["title"].startswith("Évaluation")
