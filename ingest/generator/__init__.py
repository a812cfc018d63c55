"""Deterministic synthetic ECLAIRE source exports in the production format and shape.

``generate(out_dir, seed=42, scale=None, malformed=0)`` writes ``export_eclaire_ctis.json``,
``export_eclaire_dm-dmdiv.json`` and ``export_eclaire_jarde.json`` (SRC-2),
``malformed_tags.ndjson`` (expected outcome of each bad record, RES-15) and
``generation_summary.json``. The default scale reproduces the statistics figures of the
DOC-6.
"""

from ingest.generator.run import SUMMARY_FILE, TAGS_FILE, generate, planned_records
from ingest.generator.schema import FILE_NAMES, SCHEMA
from ingest.generator.shape import DEFAULT_SCALE, shape_for
from ingest.generator.summary import FileSummary, GenerationSummary

__all__ = [
    "DEFAULT_SCALE",
    "FILE_NAMES",
    "SCHEMA",
    "SUMMARY_FILE",
    "TAGS_FILE",
    "FileSummary",
    "GenerationSummary",
    "generate",
    "planned_records",
    "shape_for",
]
