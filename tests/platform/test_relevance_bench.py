"""The relevance benchmark's own arithmetic and judgements (bench/relevance.py), offline.

A wrong disease key in a judged query would silently count zero relevant studies, and a
wrong nDCG would make every figure in the README meaningless, so both are checked here.
"""

from __future__ import annotations

import math

import pytest

from bench.relevance import ndcg_at, recall_at
from bench.relevance_queries import QUERIES
from ingest.generator.topics import DISEASES


def test_every_judged_disease_exists_and_there_are_enough_queries() -> None:
    assert len(QUERIES) >= 40
    for query in QUERIES:
        assert query.grades and set(query.grades) <= set(DISEASES), query.text
        assert all(1 <= g <= 3 for g in query.grades.values())
    kinds = {q.kind for q in QUERIES}
    assert {"everyday", "medical", "english", "acronym", "typo", "multi", "city"} <= kinds


def test_ndcg_and_recall_by_hand() -> None:
    judged = {"a": 3, "b": 1}
    assert ndcg_at(["a", "b"], judged) == 1.0
    swapped = (1 / math.log2(2) + 7 / math.log2(3)) / (7 / math.log2(2) + 1 / math.log2(3))
    assert ndcg_at(["b", "a"], judged) == pytest.approx(swapped)
    assert ndcg_at(["x", "y"], judged) == 0.0
    assert ndcg_at(["a"], {}) == 0.0
    assert recall_at(["a", "x"], judged) == 0.5
    many = {str(i): 1 for i in range(300)}
    assert recall_at([str(i) for i in range(100)], many) == 1.0  # capped at min(100, relevant)
