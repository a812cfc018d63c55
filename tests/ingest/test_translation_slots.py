"""Which texts are translated, how a translation is written, and that it stays valid FHIR."""

from __future__ import annotations

from typing import Any

from ingest_mapping_samples import characteristics, ctis, dm, ext, study

from eclaire_core import ig_constants as ig
from ingest.mapping.validation import validate
from ingest.translation_slots import (
    TRANSLATION_EXT,
    editable,
    english_texts,
    is_translated,
    original,
    slots,
    write,
)

SUMMARY = "A pilot study.<br>Follow-up of 6 months."
MARKDOWN = "A pilot study.\n\nFollow-up of 6 months."  # the summary as mapped: no tag left


def _translated() -> Any:
    mapped = editable(study(ctis(resume=SUMMARY)))
    for slot in slots(mapped.research_study, mapped.group):
        write(slot, f"FR {slot.text}")
    return mapped


def test_the_reference_texts_and_the_summary_are_slots() -> None:
    mapped = study(ctis(resume=SUMMARY))
    found = [(s.key, s.kind, s.text) for s in slots(mapped.research_study, mapped.group)]
    assert found == [
        ("title", "text", "A PHASE II STUDY OF EXAMPLUMAB IN ADULTS"),
        ("text", "text", "Fictive carcinoma"),  # the condition; MedDRA labels are French
        ("valueString", "text", "Diseases [C] - Neoplasms [C04]"),
        ("valueMarkdown", "text", MARKDOWN),  # mapping turned the <br> into markdown
        ("text", "text", "Adults with fictive carcinoma"),
        ("text", "text", "Prior examplumab"),
        ("text", "text", "Response rate at week 24"),
    ]


def test_only_texts_with_tags_are_sent_as_html() -> None:
    mapped = study(ctis(resume="Plain summary, 3 < 5 & no tag."))
    kinds = {s.text: s.kind for s in slots(mapped.research_study, mapped.group)}
    assert kinds["Plain summary, 3 < 5 & no tag."] == "text"


def test_write_puts_french_where_clients_read_and_the_original_in_the_extension() -> None:
    plain = study(ctis(resume=SUMMARY))
    mapped = _translated()
    rs = mapped.research_study
    assert rs["title"] == "FR A PHASE II STUDY OF EXAMPLUMAB IN ADULTS"
    assert rs["_title"] == {
        "extension": [
            {
                "url": TRANSLATION_EXT,
                "extension": [
                    {"url": "lang", "valueCode": "en"},
                    {"url": "content", "valueString": "A PHASE II STUDY OF EXAMPLUMAB IN ADULTS"},
                ],
            }
        ]
    }
    area = ext(rs, ig.EXT_THERAPEUTIC_AREA)[0]
    assert area["valueString"].startswith("FR ")
    assert original(area, "valueString") == "Diseases [C] - Neoplasms [C04]"
    criterion = characteristics(mapped.group, "grp-other")[0]["valueCodeableConcept"]
    assert (
        criterion["text"] == criterion["coding"][0]["display"] == "FR Adults with fictive carcinoma"
    )
    assert original(criterion, "text") == "Adults with fictive carcinoma"
    assert all(is_translated(s) for s in slots(rs, mapped.group))
    # editable() copied: the mapped study itself is untouched
    assert plain.research_study["title"] == "A PHASE II STUDY OF EXAMPLUMAB IN ADULTS"
    assert rs["text"] == plain.research_study["text"]  # the narrative shows the source


def test_translated_elements_still_validate() -> None:
    """fhir.resources has no model for a primitive extension on an extension's value
    (``_valueString``), which R4 JSON allows; the HL7 validator checks those (README)."""
    mapped = editable(study(ctis(resume=SUMMARY)))
    for slot in slots(mapped.research_study, mapped.group):
        if not slot.key.startswith("value"):
            write(slot, f"FR {slot.text}")
    assert "_title" in mapped.research_study
    validate(mapped)  # raises RecordRejected on any structural error


def test_english_texts_come_from_originals_or_untranslated_ctis() -> None:
    mapped = _translated()
    title, content = english_texts(mapped.research_study, mapped.group, "ctis")
    assert title == "A PHASE II STUDY OF EXAMPLUMAB IN ADULTS"
    assert "Fictive carcinoma" in content and MARKDOWN in content
    assert not any(text.startswith("FR ") for text in content)
    raw = study(ctis())
    assert english_texts(raw.research_study, raw.group, "ctis")[0] == raw.research_study["title"]
    riph = study(dm())
    assert english_texts(riph.research_study, riph.group, "dm") == (None, [])
