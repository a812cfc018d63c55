"""Pure mapping of source records to IG-conformant FHIR R4 resources (plain dicts)."""

from __future__ import annotations

from eclaire_core.meddra import MeddraTable
from eclaire_core.resources import ASSIGNER_ORGANIZATIONS
from ingest.mapping.model import MappedStudy, RecordRejected, Unpublished
from ingest.mapping.study import to_fhir

__all__ = [
    "ASSIGNER_ORGANIZATIONS",
    "MappedStudy",
    "MeddraTable",
    "RecordRejected",
    "Unpublished",
    "to_fhir",
]
