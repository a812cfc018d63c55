"""The index template and its synonym lists, shipped as package data.

A plain (non-editable) install finds them with the code. Synonyms are kept as data
(``eclaire_core/index_templates/synonyms_fr.txt``), one Solr rule a line with comments, so they
can be read and reviewed; a synonym filter of the template names its file as ``"synonyms":
["@synonyms_fr.txt"]``. The lines are sent inline at index creation because a remote cluster
cannot read files from this machine (``synonyms_path`` would need them in every node's config
directory).
"""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import Any

import orjson

_PACKAGE = "eclaire_core.index_templates"
STUDIES = "studies.json"


def _read(name: str) -> bytes:
    return resources.files(_PACKAGE).joinpath(name).read_bytes()


def rules(name: str) -> list[str]:
    """The rules of a synonym file: its lines without comments and blanks."""
    out = []
    for line in _read(name).decode("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def _referenced(body: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    filters = body.get("settings", {}).get("analysis", {}).get("filter", {})
    found = []
    for spec in filters.values():
        synonyms = spec.get("synonyms")
        if isinstance(synonyms, list) and len(synonyms) == 1 and synonyms[0].startswith("@"):
            found.append((spec, synonyms[0][1:]))
    return found


def index_body(name: str = STUDIES) -> dict[str, Any]:
    """A fresh copy of the index settings and mappings, each ``@file`` synonym list inlined."""
    body: dict[str, Any] = orjson.loads(_read(name))
    for spec, file in _referenced(body):
        spec["synonyms"] = rules(file)
    return body


def template_version(name: str = STUDIES) -> str:
    """Hash of the template and the synonym files it names, kept in each index's mapping
    ``_meta``: a live index built from another version is rebuilt rather than patched."""
    raw = _read(name)
    digest = hashlib.sha256(raw)
    for _, file in _referenced(orjson.loads(raw)):
        digest.update(_read(file))
    return digest.hexdigest()[:16]


def mapped_fields(name: str = STUDIES) -> frozenset[str]:
    """Every field path the template declares (``site_city``, ``title.sort``…)."""
    found: set[str] = set()

    def walk(properties: dict[str, Any], prefix: str) -> None:
        for key, spec in properties.items():
            path = f"{prefix}{key}"
            found.add(path)
            walk(spec.get("properties") or {}, f"{path}.")
            walk(spec.get("fields") or {}, f"{path}.")

    walk(index_body(name)["mappings"]["properties"], "")
    return frozenset(found)
