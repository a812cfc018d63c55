"""Primary numbers: unique by construction, a pure function of (stream, ordinal).

Each file's records come from a few streams (published, extras, malformed; DM and DM-DIV
apart). The k-th record of stream s gets the year ``years[k % len(years)]`` and, within that
year, the serial ``(k // len(years)) * streams + s``: a bijection, and every stream spreads
evenly over the years. Uniqueness therefore never depends on the random
content, an id can be recomputed without generating its record (needed for cross-file
duplicates), and ids stay the same whatever the scale.

Ranges keep the families apart: JARDE ID-RCB serials 10000-99999, DM/DM-DIV 02000-09999 (the
fixed study ``2021-A01861-40`` is below both), CTIS serials from 500100 (the fixed
``2022-500014-26-00`` is below). Past a range the ID-RCB letter moves on (A, B, ...).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Final

RIPH_YEARS: Final = tuple(range(2018, 2027))
CTIS_YEARS: Final = tuple(range(2022, 2027))
_LETTERS: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class IdSpace:
    """One family of numbers: its streams and, for ID-RCB, its serial range."""

    streams: int
    low: int = 0
    high: int = 0


JARDE_SPACE: Final = IdSpace(streams=3, low=10_000, high=100_000)
"""Streams: 0 published, 1 unpublished/repatriated, 2 malformed."""
DM_SPACE: Final = IdSpace(streams=5, low=2_000, high=10_000)
"""Streams: 0 DM published, 1 DM-DIV published, 2 DM extras, 3 DM-DIV extras, 4 malformed."""
CTIS_SPACE: Final = IdSpace(streams=3)
"""Streams: 0 published, 1 unpublished, 2 malformed."""


def _check(text: str, modulo: int = 100) -> int:
    """Two stable 'check' digits (CRC of the number's body; not the real algorithm)."""
    return zlib.crc32(text.encode()) % modulo


def riph_number(space: IdSpace, stream: int, ordinal: int) -> tuple[int, str]:
    """``(year, ID-RCB)`` such as ``(2021, "2021-A12345-67")``."""
    year = RIPH_YEARS[ordinal % len(RIPH_YEARS)]
    rest = ordinal // len(RIPH_YEARS) * space.streams + stream
    width = space.high - space.low
    letter = _LETTERS[rest // width]
    body = f"{year}-{letter}{space.low + rest % width:05d}"
    return year, f"{body}-{_check(body):02d}"


def ctis_number(stream: int, ordinal: int) -> tuple[int, str]:
    """``(year, EU trial number)`` such as ``(2023, "2023-500123-45-00")``."""
    year = CTIS_YEARS[ordinal % len(CTIS_YEARS)]
    body = f"{year}-{500_100 + ordinal // len(CTIS_YEARS) * CTIS_SPACE.streams + stream}"
    return year, f"{body}-{_check(body):02d}-00"


def riph_file_number(year: int, national: str) -> str:
    """The internal RIPH file number ``YY.NNNNN.NNNNNN`` (``numero``), derived from the ID-RCB."""
    office = 90 + _check(national, 7) * 10
    return f"{year % 100:02d}.{office:05d}.{zlib.crc32(national.encode()) % 1_000_000:06d}"
