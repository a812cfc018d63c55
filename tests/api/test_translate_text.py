"""Literal cases for full text: what a person types → the tree → the OpenSearch body.

Rulings API-8: the person's syntax is words, "phrases", OR, NOT/- and grouping; the body holds
only match / match_phrase / multi_match queries, never an engine query parser.
"""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eclaire_search import textsyntax as ts
from eclaire_search.query import search_body
from eclaire_search.search_request import parse_search

PARIS = ZoneInfo("Europe/Paris")
TEXT_WEIGHTS = [
    "title^4",
    "title_en^3",
    "conditions_text^3",
    "labels^2",
    "keywords^2",
    "therapeutic_area.text",
]
RELAXED = {"minimum_should_match": "1<-1 4<75%", "auto_generate_synonyms_phrase_query": False}
EXACT = {"analyzer": "french_text", "operator": "and", "zero_terms_query": "all"}
FUZZY = {"fuzziness": "AUTO:5,8", "prefix_length": 1, "max_expansions": 20}


def body(query: list[tuple[str, str]]) -> dict[str, Any]:
    return search_body(parse_search(query, tz=PARIS))


def scored(query: list[tuple[str, str]]) -> dict[str, Any]:
    """The text query inside the enrolment boost."""
    return body(query)["query"]["function_score"]["query"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("cancer du sein", ts.Words("cancer du sein")),
        ("cancer OR asthme", ts.AnyOf((ts.Words("cancer"), ts.Words("asthme")))),
        ("cancer | asthme", ts.AnyOf((ts.Words("cancer"), ts.Words("asthme")))),
        (
            'cancer "du sein" -métastatique',
            ts.AllOf((ts.Words("cancer"), ts.Phrase("du sein"), ts.Not(ts.Words("métastatique")))),
        ),
        ("NOT prostate", ts.Not(ts.Words("prostate"))),
        (
            "(cancer OR asthme) enfant",
            ts.AllOf((ts.AnyOf((ts.Words("cancer"), ts.Words("asthme"))), ts.Words("enfant"))),
        ),
        ("cancer AND sein", ts.Words("cancer sein")),
        ("COVID-19 HER2-positif", ts.Words("COVID-19 HER2-positif")),
        ('"sans guillemet fermant', ts.Phrase("sans guillemet fermant")),
        ("((", None),
        ("OR", None),
        ("-", None),
        ("", None),
        ("asthme)", ts.Words("asthme")),
    ],
)
def test_user_syntax(text: str, tree: ts.Node | None) -> None:
    assert ts.parse(text) == tree


def test_one_long_word_is_relaxed_fuzzy_and_title_weighted() -> None:
    assert scored([("_text", "alzeimer")]) == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "must": [
                            {
                                "bool": {
                                    "should": [
                                        {"match": {"text_all": {"query": "alzeimer", **RELAXED}}},
                                        {"match": {"title_en": {"query": "alzeimer", **RELAXED}}},
                                        {
                                            "bool": {
                                                "must": [
                                                    {
                                                        "match": {
                                                            "text_all": {
                                                                "query": "alzeimer",
                                                                **EXACT,
                                                                **FUZZY,
                                                            }
                                                        }
                                                    }
                                                ],
                                                "boost": 0.2,
                                            }
                                        },
                                    ],
                                    "minimum_should_match": 1,
                                }
                            }
                        ],
                        "should": [
                            {
                                "match": {
                                    "text_all": {
                                        "query": "alzeimer",
                                        "operator": "and",
                                        "auto_generate_synonyms_phrase_query": False,
                                        "boost": 5.0,
                                    }
                                }
                            },
                            {
                                "multi_match": {
                                    "query": "alzeimer",
                                    "fields": TEXT_WEIGHTS,
                                    "type": "best_fields",
                                    "tie_breaker": 0.3,
                                    "auto_generate_synonyms_phrase_query": False,
                                }
                            },
                        ],
                    }
                }
            ]
        }
    }


def test_short_words_codes_and_acronyms_are_never_fuzzy() -> None:
    for text in ("AVC", "sein", "VIH-1 C04", "DMLA BPCO", "COVID-19", "PARKINSON"):
        required = scored([("_text", text)])["bool"]["must"][0]["bool"]["must"][0]["bool"]
        assert "fuzziness" not in json.dumps(required), text
    mixed = scored([("_text", "AVC ischémique 10090101")])["bool"]["must"][0]["bool"]["must"][0]
    assert mixed["bool"]["should"][-1] == {
        "bool": {
            "must": [
                {"match": {"text_all": {"query": "AVC", **EXACT}}},
                {"match": {"text_all": {"query": "ischémique", **EXACT, **FUZZY}}},
                {"match": {"text_all": {"query": "10090101", **EXACT}}},
            ],
            "boost": 0.2,
        }
    }


def test_or_is_either_side_and_content_adds_the_long_texts() -> None:
    either = scored([("_content", "cancer OR asthme")])["bool"]["must"][0]["bool"]
    assert either["minimum_should_match"] == 1
    sides = [s["bool"]["should"][0]["match"]["content_all"]["query"] for s in either["should"]]
    assert sides == ["cancer", "asthme"]
    weights = either["should"][0]["bool"]["should"][1]["multi_match"]["fields"]
    assert weights == [*TEXT_WEIGHTS, "description", "criteria_text", "content_en"]
    required = either["should"][0]["bool"]["must"][0]["bool"]["should"]
    assert [next(iter(c["match"])) for c in required[:3]] == [
        "content_all",
        "title_en",
        "content_en",
    ]


def test_phrase_and_negation() -> None:
    clause = scored([("_text", '"cancer du sein" -prostate')])["bool"]["must"][0]
    assert clause == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "must": [
                            {
                                "bool": {
                                    "should": [
                                        {
                                            "match_phrase": {
                                                "text_all": {
                                                    "query": "cancer du sein",
                                                    "analyzer": "french_text",
                                                }
                                            }
                                        },
                                        {
                                            "match_phrase": {
                                                "text_all": {"query": "cancer du sein", "slop": 1}
                                            }
                                        },
                                        {
                                            "match_phrase": {
                                                "title_en": {"query": "cancer du sein", "slop": 1}
                                            }
                                        },
                                    ],
                                    "minimum_should_match": 1,
                                }
                            }
                        ],
                        "should": [
                            {
                                "multi_match": {
                                    "query": "cancer du sein",
                                    "fields": TEXT_WEIGHTS,
                                    "type": "phrase",
                                }
                            }
                        ],
                    }
                }
            ],
            "must_not": [
                {
                    "bool": {
                        "should": [
                            {
                                "match": {
                                    "text_all": {
                                        "query": "prostate",
                                        "operator": "and",
                                        "auto_generate_synonyms_phrase_query": False,
                                    }
                                }
                            },
                            {
                                "match": {
                                    "title_en": {
                                        "query": "prostate",
                                        "operator": "and",
                                        "auto_generate_synonyms_phrase_query": False,
                                    }
                                }
                            },
                        ],
                        "minimum_should_match": 1,
                    }
                }
            ],
        }
    }


def test_condition_text_searches_condition_texts_only() -> None:
    clause = body([("condition:text", "sein")])["query"]["bool"]["must"][0]
    required = clause["bool"]["must"][0]
    assert required == {"match": {"conditions_text": {"query": "sein", **RELAXED}}}
    assert clause["bool"]["should"][1]["multi_match"]["fields"] == ["conditions_text"]


def test_nothing_searchable_matches_nothing() -> None:
    assert scored([("_text", "OR ((")]) == {"bool": {"must": [{"match_none": {}}]}}


def test_enrolment_boost_then_relevance_then_recency_unless_sorted() -> None:
    text = body([("_text", "asthme")])
    boost = text["query"]["function_score"]
    assert boost["functions"] == [
        {"filter": {"term": {"enrolment_rank": 0}}, "weight": 4.0},
        {"filter": {"term": {"enrolment_rank": 1}}, "weight": 2.5},
        {"filter": {"term": {"enrolment_rank": 2}}, "weight": 1.5},
    ]
    assert (boost["score_mode"], boost["boost_mode"]) == ("first", "multiply")
    assert text["sort"] == [
        {"_score": {"order": "desc"}},
        {"last_updated": {"order": "desc", "missing": "_last"}},
        {"id": {"order": "asc", "missing": "_last"}},
    ]
    explicit = body([("_text", "asthme"), ("_sort", "-_score")])
    assert "function_score" not in explicit["query"]
    assert explicit["sort"][0] == {"_score": {"order": "desc"}}
    joinable = body([("_sort", "recruitment-status,-_lastUpdated")])
    assert joinable["sort"][:2] == [
        {"enrolment_rank": {"order": "asc", "missing": "_last"}},
        {"last_updated": {"order": "desc", "missing": "_last"}},
    ]
    assert "function_score" not in json.dumps(body([("status", "active")]))


@given(st.text(alphabet=st.sampled_from("ab \"()|-ORNTé'"), max_size=30))
def test_no_typed_text_reaches_a_query_parser(text: str) -> None:
    dumped = json.dumps(body([("_content", text)]))
    assert "query_string" not in dumped  # neither query_string nor simple_query_string


@given(st.text(max_size=60))
def test_any_text_gives_a_body(text: str) -> None:
    query = body([("_text", text)])["query"]
    assert "function_score" in query or query == {"match_all": {}}  # empty text is ignored
