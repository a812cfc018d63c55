"""The index template, shipped as package data so a plain (non-editable) install finds it."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from typing import Any

import orjson

_PACKAGE = "eclaire_core.index_templates"


def template_bytes(name: str = "studies.json") -> bytes:
    return resources.files(_PACKAGE).joinpath(name).read_bytes()


@cache
def _parsed(name: str) -> bytes:
    return template_bytes(name)


def index_body(name: str = "studies.json") -> dict[str, Any]:
    """A fresh copy of the index settings and mappings (callers may add to it)."""
    body: dict[str, Any] = orjson.loads(_parsed(name))
    return body


def template_version(name: str = "studies.json") -> str:
    """Fingerprint of the template, kept in each index's mapping ``_meta``: a live index built
    from another version is rebuilt rather than patched."""
    return hashlib.sha256(_parsed(name)).hexdigest()[:16]


def mapped_fields(name: str = "studies.json") -> frozenset[str]:
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
