"""Dates: the study's document date (RES-12, MAP-20) and tolerant ISO date parsing.

Only real calendar dates count. The reference compared raw strings, so one history item
starting with a letter outranked every date and forced the fallback (SRC-4); here such an item
is ignored with a warning. Day arithmetic is on dates, never on local-time datetimes.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ingest.sources.fields import StudyFields
from ingest.sources.text import warn

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?")
_ANY_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")

CTIS_FALLBACK = date(2023, 3, 15)
"""Start of history tracking in SI-RIPH2G: CTIS document date when nothing else is known."""
FALLBACK_DAYS = {"dm": 102, "jarde": 109}
"""DM/DM-DIV and JARDE fallbacks: ``date_soumission`` plus this many days (MAP-20)."""


def parse_date(text: str | None) -> date | None:
    """``YYYY-MM-DD`` (optionally followed by a time) as a date; anything else is None.

    ``30/06/2022`` is refused rather than guessed: the reference read ``06/30/2022`` US-style.
    """
    if not text:
        return None
    match = _ISO_DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def instant(day: date) -> str:
    """Midnight UTC of ``day`` as a FHIR instant, in the reference's format."""
    return f"{day.isoformat()}T00:00:00.000Z"


def _item_dates(text: str | None, field: str, warnings: list[str]) -> list[date]:
    """Every valid date of a ``", "``-separated history or approval list, warning on the rest.

    History items are ``date:label`` and approvals ``number:date``; approval numbers may
    themselves contain commas (``23.02.2099,000152-SM-1:2024-05-15``), so dates are found by
    pattern inside each item rather than by position.
    """
    if not text:
        return []
    found: list[date] = []
    for item in text.split(", "):
        item = item.strip()
        if not item:
            continue
        dates = []
        for match in _ANY_ISO_DATE.finditer(item):
            try:
                dates.append(date(int(match[1]), int(match[2]), int(match[3])))
            except ValueError:
                continue
        if dates:
            found.extend(dates)
        elif ":" in item or any(ch.isdigit() for ch in item):
            warn(warnings, "document-date", f"{field} item without a valid date: {item[:60]!r}")
    return found


def document_date(fields: StudyFields, warnings: list[str]) -> tuple[date, bool]:
    """The study's document date and whether it is a fallback (MAP-20 as amended by RES-12).

    The greatest date among history and MS/MNS approvals; otherwise CTIS 2023-03-15 and
    DM/JARDE ``date_soumission`` + 102/109 days. A DM/JARDE record without a usable
    submission date falls back to the CTIS date with a warning (the reference crashed, or
    produced 1970 dates).
    """
    candidates = _item_dates(fields.history, "historique", warnings)
    candidates += _item_dates(fields.approvals, "dates_avis_favorable_ms_mns", warnings)
    if candidates:
        return max(candidates), False
    if fields.source == "ctis":
        return CTIS_FALLBACK, True
    submitted = parse_date(fields.submission_date)
    if submitted is None:
        detail = repr(fields.submission_date) if fields.submission_date else "missing"
        warn(warnings, "document-date", f"no dates and date_soumission {detail}")
        return CTIS_FALLBACK, True
    return submitted + timedelta(days=FALLBACK_DAYS[fields.source]), True
