"""Parsing the query string: FHIR rules, and no input gives anything but a FHIRError."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eclaire_search.errors import FHIRError, InvalidSearch, NotAcceptable
from eclaire_search.paging import Cursor, CursorCodec
from eclaire_search.query import search_body
from eclaire_search.search_request import check_accept, parse_search


def test_empty_values_are_ignored_and_unknown_parameters_warned() -> None:
    request = parse_search([("status", ""), ("colour", "blue")])
    assert request.criteria == ()
    assert [w.expression for w in request.warnings] == ["colour"]
    assert request.used == ()


def test_unknown_parameter_is_an_error_under_strict_handling() -> None:
    with pytest.raises(InvalidSearch) as error:
        parse_search([("colour", "blue")], strict=True)
    assert error.value.parameter == "colour"


def test_count_capped_with_a_warning() -> None:
    request = parse_search([("_count", "5000")], max_count=1000)
    assert request.count == 1000
    assert request.warnings[0].expression == "_count"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ([("_count", "-1")], "_count"),
        ([("_count", "ten")], "_count"),
        ([("_lastUpdated", "2024-13-01")], "_lastUpdated"),
        ([("_lastUpdated", "xx2024")], "_lastUpdated"),
        ([("_lastUpdated", "30/06/2022")], "_lastUpdated"),
        ([("status", "bogus")], "status"),
        ([("status:exact", "active")], "status"),
        ([("_sort", "colour")], "_sort"),
        ([("_sort", "_score")], "_sort"),
        ([("_include", "ResearchStudy:foo")], "_include"),
        ([("_summary", "maybe")], "_summary"),
        ([("_total", "lots")], "_total"),
        ([("_elements", "a.b")], "_elements"),
        ([("_format", "yaml")], "_format"),
        ([("_count", "1"), ("_count", "2")], "_count"),
    ],
)
def test_malformed_values_name_their_parameter(
    query: list[tuple[str, str]], parameter: str
) -> None:
    with pytest.raises(InvalidSearch) as error:
        parse_search(query)
    assert error.value.parameter == parameter


def test_xml_is_not_acceptable() -> None:
    with pytest.raises(NotAcceptable):
        parse_search([("_format", "xml")])


def test_include_star_and_comma_lists() -> None:
    assert parse_search([("_include", "*")]).includes >= {"*", "ResearchStudy:site"}
    request = parse_search([("_include", "ResearchStudy:site,ResearchStudy:sponsor")])
    assert request.includes == {"ResearchStudy:site", "ResearchStudy:sponsor"}


def test_three_part_include_names_the_same_include() -> None:
    request = parse_search([("_include", "ResearchStudy:site:Location,ResearchStudy:enrollment")])
    assert request.includes == {"ResearchStudy:site", "ResearchStudy:enrollment"}
    assert request.used == (("_include", "ResearchStudy:site:Location,ResearchStudy:enrollment"),)
    for wrong in (
        "ResearchStudy:site:Group",
        "ResearchStudy:site:Location:x",
        "Group:site:Location",
    ):
        with pytest.raises(InvalidSearch):
            parse_search([("_include", wrong)])


def test_unknown_elements_are_a_warning_not_an_error() -> None:
    request = parse_search([("_elements", "title,foo,status")])
    assert request.elements == ("title", "foo", "status")
    (warning,) = request.warnings
    assert warning.severity == "warning" and warning.expression == "_elements"
    assert "foo" in warning.diagnostics and "title" not in warning.diagnostics
    assert parse_search([("_elements", "title,identifier,site")]).warnings == ()


@pytest.mark.parametrize("total", ["estimate", "accurate"])
def test_total_estimate_counts_every_hit(total: str) -> None:
    assert search_body(parse_search([("_total", total)]))["track_total_hits"] is True
    assert search_body(parse_search([("_total", "none")]))["track_total_hits"] is False


@pytest.mark.parametrize(
    "accept",
    [
        "application/fhir+xml",
        "application/xml, text/xml",
        "application/fhir+json;q=0, application/fhir+xml",
        "*/*;q=0, application/xml",
    ],
)
def test_accept_xml_without_json_is_not_acceptable(accept: str) -> None:
    with pytest.raises(NotAcceptable):
        check_accept(accept)


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "",
        "application/fhir+json",
        "application/json",
        "*/*",
        "application/*",
        "application/fhir+xml;q=0.9, application/fhir+json",
        "text/html",
        "application/json;q=bad, application/xml",
    ],
)
def test_accept_with_json_a_wildcard_or_no_xml_is_served(accept: str | None) -> None:
    check_accept(accept)


def test_cursor_is_opaque_signed_and_bound_to_its_search() -> None:
    codec = CursorCodec(b"k" * 32)
    used = (("status", "active"),)
    cursor = Cursor("eclaire-studies-20260101t000000", [1, "a"], False, page=1, position=20)
    text = codec.encode(cursor, used)
    assert codec.decode(text, used) == cursor
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    assert b"eclaire" not in raw and b"search_after" not in raw  # encrypted, not just signed
    edited = text[:20] + ("A" if text[20] != "A" else "B") + text[21:]
    flipped = ("B" if text[0] == "A" else "A") + text[1:]
    for forged in (flipped, edited, text[:-4], "garbage", "a.b", ""):
        with pytest.raises(InvalidSearch):
            codec.decode(forged, used)
    with pytest.raises(InvalidSearch):
        codec.decode(text, (("status", "completed"),))
    with pytest.raises(InvalidSearch):
        CursorCodec(b"other" * 8).decode(text, used)
    with pytest.raises(InvalidSearch):
        codec.decode("A" * 5000, used)


def test_self_link_parameters_are_those_used() -> None:
    request = parse_search([("_count", "5000"), ("colour", "blue"), ("status", "active")])
    assert request.used == (("_count", "1000"), ("status", "active"))


def test_getpagesoffset_within_the_window_only() -> None:
    request = parse_search([("_getpagesoffset", "20"), ("_count", "10")])
    assert request.offset == 20
    assert ("_getpagesoffset", "20") not in request.used  # a position, not part of the search
    with pytest.raises(InvalidSearch) as error:
        parse_search([("_getpagesoffset", "9995"), ("_count", "10")])
    assert "next" in error.value.diagnostics and error.value.parameter == "_getpagesoffset"
    for bad in ("-1", "x", "1e3"):
        with pytest.raises(InvalidSearch):
            parse_search([("_getpagesoffset", bad)])
    with pytest.raises(InvalidSearch):
        parse_search([("_getpagesoffset", "20"), ("_cursor", "abc")])


NAMES = st.sampled_from(
    [
        "_id",
        "id",
        "identifier",
        "status",
        "status:not",
        "_lastUpdated",
        "_text",
        "_content",
        "_count",
        "_sort",
        "_include",
        "_summary",
        "_elements",
        "_total",
        "_format",
        "_pretty",
        "_cursor",
        "_getpagesoffset",
        "x",
        "status:bad",
        "",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(NAMES, st.text(max_size=40)), max_size=6))
def test_no_query_string_raises_anything_but_a_fhir_error(items: list[tuple[str, str]]) -> None:
    try:
        parse_search(items)
    except FHIRError as error:
        assert 400 <= error.status_code < 500


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        # found by the reliability harness: values at the edges of what Python/OpenSearch hold
        ([("_lastUpdated", "ap9999")], "_lastUpdated"),
        ([("_lastUpdated", "ap0001")], "_lastUpdated"),
        ([("_lastUpdated", "le9999-12-31T23:59:59.999999999+14:00")], "_lastUpdated"),
        ([("recruitment-date", "2023-02-29")], "recruitment-date"),
        ([("age", "999999999999999999999")], "age"),
        ([("age", "-1")], "age"),
    ],
)
def test_edge_values_are_400_not_500(query: list[tuple[str, str]], parameter: str) -> None:
    with pytest.raises(InvalidSearch) as error:
        parse_search(query)
    assert error.value.parameter == parameter
