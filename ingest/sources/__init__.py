"""Source exports: streaming reader, record shapes, and per-export typed views."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ingest.sources import ctis, riph
from ingest.sources.fields import Party, StudyFields
from ingest.sources.reader import RawRecord, ReadError, read_export
from ingest.sources.records import Source, detect_source, primary_id


def extract(record: Mapping[str, Any], source: Source, warnings: list[str]) -> StudyFields:
    """The typed view of a raw record of ``source``."""
    if source == "ctis":
        return ctis.extract(record, warnings)
    return riph.extract(record, source, warnings)


__all__ = [
    "Party",
    "RawRecord",
    "ReadError",
    "Source",
    "StudyFields",
    "detect_source",
    "extract",
    "primary_id",
    "read_export",
]
