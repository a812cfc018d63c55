"""FHIR input: load Bundles and NDJSON as another ECLAIRE server publishes them (the mirror)."""

from __future__ import annotations

from ingest.fhir.grouping import DEFAULT_WINDOW
from ingest.fhir.source import fhir_source, map_fhir

__all__ = ["DEFAULT_WINDOW", "fhir_source", "map_fhir"]
