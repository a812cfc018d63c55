"""Stored resource JSON → answer bytes, without parsing and re-encoding what is sent as is.

Each study document keeps its resources pre-serialised (rulings on the issue 16 "serialise
once"): ``resource`` and ``group`` are JSON strings, ``locations`` and ``organizations``
lists of JSON strings, all in fields that OpenSearch stores but does not index
(``enabled: false``). The API splices them into its answers with :class:`orjson.Fragment`,
so a read, a Bundle entry, an include or an export line costs a copy, not a parse and a dump.

Readers that need the structure (``_elements`` / ``_summary``, the CSV rows, the portal
pages, ``eclaire reindex``) call :func:`loads` or :func:`decoded`. Documents written before
this change hold objects instead of strings: every function here accepts both shapes.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

STORED_FIELDS = ("resource", "group", "locations", "organizations")
# dumps() writes resourceType then id first, so both are read off the prefix without a parse.
_KEY = re.compile(r'\{"resourceType":"([A-Za-z]+)","id":"([A-Za-z0-9\-.]{1,64})"')
_META = re.compile(r',"meta":\{"versionId":"([^"\\]*)","lastUpdated":"([^"\\]*)"')

Stored = str | dict[str, Any]


def dumps(resource: dict[str, Any]) -> str:
    """One resource as stored: compact JSON, ``resourceType`` and ``id`` leading."""
    if "resourceType" not in resource or "id" not in resource:
        return orjson.dumps(resource).decode()
    head = {"resourceType": resource["resourceType"], "id": resource["id"]}
    if "meta" in resource:  # third, versionId and lastUpdated first in it: see meta()
        meta = resource["meta"]
        head["meta"] = {
            **{k: meta[k] for k in ("versionId", "lastUpdated") if k in meta},
            **meta,
        }
    return orjson.dumps({**head, **resource, **head}).decode()


def loads(value: Stored | orjson.Fragment) -> dict[str, Any]:
    """The resource as a dict, whatever shape it was kept in."""
    if isinstance(value, dict):
        return value
    if isinstance(value, orjson.Fragment):
        return orjson.loads(value.contents)  # type: ignore[no-any-return]
    return orjson.loads(value)  # type: ignore[no-any-return]


def fragment(value: Stored) -> orjson.Fragment | dict[str, Any]:
    """What goes into an answer: the stored bytes as they are (a dict passes through)."""
    return orjson.Fragment(value) if isinstance(value, str) else value


def key(value: Stored) -> tuple[str, str]:
    """(resourceType, id) of a stored resource, read off its prefix when it is a string."""
    if isinstance(value, str) and (match := _KEY.match(value)):
        return match[1], match[2]
    resource = loads(value)
    return resource["resourceType"], resource["id"]


def meta(value: Stored) -> dict[str, Any]:
    """``versionId`` / ``lastUpdated`` of a stored resource (what a read's ETag needs)."""
    head = _KEY.match(value) if isinstance(value, str) else None
    if head and (found := _META.match(value, head.end())):  # type: ignore[arg-type]
        return {"versionId": found[1], "lastUpdated": found[2]}
    return loads(value).get("meta") or {}


def line(value: Stored) -> bytes:
    """One NDJSON line of a stored resource."""
    if isinstance(value, str):
        return value.encode() + b"\n"
    return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)


def decoded(source: dict[str, Any]) -> dict[str, Any]:
    """A document's ``_source`` with its stored resources parsed back into dicts."""
    out = dict(source)
    for name in ("resource", "group"):
        if isinstance(out.get(name), str):
            out[name] = orjson.loads(out[name])
    for name in ("locations", "organizations"):
        if out.get(name):
            out[name] = [loads(v) for v in out[name]]
    return out


def resolved(answer: Any) -> Any:
    """An answer holding fragments, as plain dicts and lists (for the HTML pages)."""
    return orjson.loads(orjson.dumps(answer))
