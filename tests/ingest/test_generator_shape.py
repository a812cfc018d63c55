"""The counts behind a data set and the identifiers: exact, proportional, unique."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingest.generator import ids
from ingest.generator.schema import CATEGORIES, Category
from ingest.generator.shape import (
    DEFAULT_SCALE,
    ETAT_COUNTS,
    ETATS,
    FHIR_STATUS,
    MIN_SCALE,
    apportion,
    shape_for,
    status_sequence,
)


def test_the_table_holds_the_documented_figures() -> None:
    def n(category: Category, status: str | None = None) -> int:
        return sum(
            c
            for e, c in zip(ETATS, ETAT_COUNTS[category], strict=True)
            if status is None or FHIR_STATUS[e] == status
        )

    assert [n(c) for c in CATEGORIES] == [907, 94, 3676, 14376]
    assert [n(c, "active") for c in CATEGORIES] == [437, 46, 2422, 6246]
    assert sum(n(c, "approved") for c in CATEGORIES) == 3112
    assert shape_for().statistics["Total_etudes"] == DEFAULT_SCALE == 19053


@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=12), st.integers(0, 500_000))
def test_apportion_is_exact_and_proportional(weights: list[int], total: int) -> None:
    shares = apportion(weights, total)
    assert sum(shares) == total
    whole = sum(weights)
    assert all(abs(s - w * total / whole) < 1 for s, w in zip(shares, weights, strict=True))


@given(st.integers(MIN_SCALE, 300_000))
def test_every_scale_has_exactly_its_published_studies(scale: int) -> None:
    shape = shape_for(scale)
    assert sum(shape.published.values()) == scale
    for category, etats in shape.etats.items():
        assert sum(etats.values()) == shape.published[category] >= 1
    assert shape.etats["CTIS"]["EN_COURS"] >= 1 and shape.etats["JARDE"]["EN_COURS"] >= 1
    assert shape.statistics["Total_etudes"] == scale


def test_status_sequence_is_seeded_and_complete() -> None:
    counts = shape_for(1000).etats["JARDE"]
    sequence = status_sequence(counts, 42, "JARDE")
    assert sorted(sequence) == sorted(e for e, n in counts.items() for _ in range(n))
    assert sequence == status_sequence(counts, 42, "JARDE")
    assert sequence != status_sequence(counts, 43, "JARDE")


def test_numbers_are_unique_across_streams_and_families() -> None:
    numbers: set[str] = set()
    count = 0
    for stream in range(ids.JARDE_SPACE.streams):
        for k in range(70_000):
            numbers.add(ids.riph_number(ids.JARDE_SPACE, stream, k)[1])
            count += 1
    for stream in range(ids.DM_SPACE.streams):
        for k in range(5_000):
            numbers.add(ids.riph_number(ids.DM_SPACE, stream, k)[1])
            count += 1
    for stream in range(ids.CTIS_SPACE.streams):
        for k in range(30_000):
            numbers.add(ids.ctis_number(stream, k)[1])
            count += 1
    assert len(numbers) == count
    assert "2021-A01861-40" not in numbers and "2022-500014-26-00" not in numbers


def test_numbers_look_real() -> None:
    year, number = ids.riph_number(ids.JARDE_SPACE, 0, 12)
    assert number.startswith(f"{year}-A1") and len(number) == len("2021-A01861-40")
    year, number = ids.ctis_number(0, 12)
    assert number.startswith(f"{year}-5") and number.endswith("-00")
    assert len(number) == len("2022-500014-26-00")
    assert ids.riph_file_number(2023, "2023-A12345-67").startswith("23.")
