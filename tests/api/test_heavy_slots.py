"""Caps on heavy work: a client's own cap, the service-wide one, and release on every exit."""

from __future__ import annotations

import pytest

from eclaire_core.settings import Settings
from eclaire_search.errors import TooManyRequests
from eclaire_search.heavy import HeavyWork, Slots
from eclaire_search.search_request import parse_search


def test_per_client_and_service_wide_caps() -> None:
    slots = Slots("exports", total=2, per_client=1, retry_after=10)
    first = slots.acquire("a")
    with pytest.raises(TooManyRequests) as own:
        slots.acquire("a")
    assert "per client" in own.value.diagnostics and own.value.headers["Retry-After"] == "10"
    slots.acquire("b")
    with pytest.raises(TooManyRequests) as full:
        slots.acquire("c")
    assert "maximum of 2" in full.value.diagnostics
    first()
    first()  # a second release changes nothing
    assert slots.running == 1 and slots.by_client == {"b": 1}
    slots.acquire("c")()
    assert slots.by_client == {"b": 1}


def test_held_frees_the_slot_when_the_work_fails() -> None:
    slots = Slots("big pages", total=1, per_client=1, retry_after=2)
    with pytest.raises(RuntimeError), slots.held("a"):
        raise RuntimeError("the engine failed")
    assert slots.running == 0 and slots.by_client == {}


def test_what_counts_as_a_big_page() -> None:
    heavy = HeavyWork.from_settings(Settings(big_page_count=200, big_include_count=50))
    assert not heavy.is_big(parse_search([("_count", "200")]))
    assert heavy.is_big(parse_search([("_count", "201")]))
    assert heavy.is_big(parse_search([("_count", "51"), ("_include", "*")]))
    assert not heavy.is_big(parse_search([("_count", "1000"), ("_summary", "count")]))
