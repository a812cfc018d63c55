"""The index body with its search-time synonym lists inlined from ``index_templates/``.

Synonyms are kept as data (``index_templates/synonyms_fr.txt``), one Solr rule a line with
comments, so they can be read and reviewed; a synonym filter of the template names its file
as ``"synonyms": ["@synonyms_fr.txt"]``. The lines are sent inline at index creation because
a remote cluster cannot read files from this machine (``synonyms_path`` would need them in
every node's config directory).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent.parent / "index_templates"


def rules(path: Path) -> list[str]:
    """The rules of a synonym file: its lines without comments and blanks."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def _referenced(body: dict[str, Any]) -> list[tuple[dict[str, Any], Path]]:
    filters = body.get("settings", {}).get("analysis", {}).get("filter", {})
    found = []
    for spec in filters.values():
        synonyms = spec.get("synonyms")
        if isinstance(synonyms, list) and len(synonyms) == 1 and synonyms[0].startswith("@"):
            found.append((spec, TEMPLATES / synonyms[0][1:]))
    return found


def inline(template: Path) -> dict[str, Any]:
    """The template's body with each ``@file`` synonym list replaced by the file's rules."""
    body: dict[str, Any] = json.loads(template.read_text("utf-8"))
    for spec, path in _referenced(body):
        spec["synonyms"] = rules(path)
    return body


def fingerprint(template: Path) -> str:
    """Hash of the template and the synonym files it names (a change of either rebuilds)."""
    digest = hashlib.sha256(template.read_bytes())
    for _, path in _referenced(json.loads(template.read_text("utf-8"))):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
