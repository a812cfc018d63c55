"""Streaming reader of FHIR files: Bundles and NDJSON, one resource at a time.

A mirror of the whole registry is hundreds of thousands of studies, so no file is ever held
whole: a Bundle's entries come one by one from ijson, NDJSON is read line by line. Accepted:

- NDJSON (``.ndjson``/``.jsonl``, or any file whose first line is a whole JSON object): one
  resource per line, of any type; a line that is itself a Bundle (a saved search page) is
  expanded into its entries;
- a JSON Bundle of type ``searchset`` or ``collection`` (``search.mode = outcome`` entries,
  the server's warnings, are skipped), a JSON array of resources, or a single resource.

The reader does not judge resources. A bad NDJSON line costs that line (:class:`Unparseable`);
a corrupt or truncated JSON file ends with a :class:`ReadError` telling where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

import ijson
import orjson

from ingest.sources.reader import ReadError

BUNDLE_TYPES: Final = frozenset({"searchset", "collection"})
NDJSON_SUFFIXES: Final = frozenset({".ndjson", ".jsonl"})
_BOM: Final = b"\xef\xbb\xbf"
_SNIFF_BYTES: Final = 1 << 20
_RAW_KEPT: Final = 10_000
"""Characters of an unparseable line kept in its dead letter."""


@dataclass(frozen=True, slots=True)
class Resource:
    """One parsed resource (normally a dict); ``index`` is the NDJSON line or Bundle entry."""

    file: str
    index: int
    value: Any


@dataclass(frozen=True, slots=True)
class Unparseable:
    """One NDJSON line or Bundle entry that is not a resource."""

    file: str
    index: int
    reason: str
    raw: Any


def _skip_bom(handle: IO[bytes]) -> None:
    if handle.read(3) != _BOM:
        handle.seek(0)


def is_ndjson(path: Path, head: bytes) -> bool:
    """By suffix, else when the first line alone is a complete JSON object."""
    if path.suffix.lower() in NDJSON_SUFFIXES:
        return True
    line, newline, _ = head.lstrip().partition(b"\n")
    if not newline:
        return False
    try:
        return isinstance(orjson.loads(line), dict)
    except orjson.JSONDecodeError:
        return False


def _entry(name: str, index: int, entry: Any) -> Resource | Unparseable | None:
    """The resource of a Bundle entry; None for the server's outcome entries."""
    if not isinstance(entry, dict):
        return Unparseable(name, index, "Bundle entry is not a JSON object", entry)
    if (entry.get("search") or {}).get("mode") == "outcome":
        return None
    if not isinstance(entry.get("resource"), dict):
        return Unparseable(name, index, "Bundle entry without a resource", entry)
    return Resource(name, index, entry["resource"])


def _read_ndjson(handle: IO[bytes], name: str) -> Iterator[Resource | Unparseable]:
    for index, line in enumerate(handle):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            text = line.decode("utf-8", errors="replace")[:_RAW_KEPT]
            yield Unparseable(name, index, f"line {index + 1} is not JSON: {exc}", text)
            continue
        if isinstance(value, dict) and value.get("resourceType") == "Bundle":
            for entry in value.get("entry") or []:
                if (found := _entry(name, index, entry)) is not None:
                    yield found
        else:
            yield Resource(name, index, value)


def _top_level(path: Path) -> tuple[str, str | None, str | None]:
    """('map'|'array'|other, resourceType, Bundle type) from the first events only."""
    resource_type = bundle_type = None
    with open(path, "rb") as handle:
        _skip_bom(handle)
        events = ijson.parse(handle)
        _, first, _ = next(events, ("", "end of file", None))
        if first != "start_map":
            return first, None, None
        for prefix, event, value in events:
            if prefix == "resourceType" and event == "string":
                resource_type = value
            elif prefix == "type" and event == "string":
                bundle_type = value
            elif prefix == "entry" or (prefix == "" and event == "end_map"):
                break
            if resource_type and bundle_type:
                break
    return "map", resource_type, bundle_type


def _read_json(handle: IO[bytes], path: Path, name: str) -> Iterator[Resource | Unparseable]:
    """A Bundle's entries, an array's items, or the single resource of the file."""
    shape, resource_type, bundle_type = _top_level(path)
    if shape == "start_array":
        for index, value in enumerate(ijson.items(handle, "item", use_float=True)):
            yield Resource(name, index, value)
        return
    if shape != "map":
        raise ValueError(f"not a JSON object or array (starts with {shape})")
    if resource_type != "Bundle":
        for value in ijson.items(handle, "", use_float=True):
            yield Resource(name, 0, value)
        return
    if bundle_type is not None and bundle_type not in BUNDLE_TYPES:
        raise _Unsupported(f"Bundle type {bundle_type!r} is not searchset or collection")
    for index, entry in enumerate(ijson.items(handle, "entry.item", use_float=True)):
        if (found := _entry(name, index, entry)) is not None:
            yield found


class _Unsupported(Exception):
    """The file is well-formed JSON but not something this reader loads."""


def read_fhir(path: Path | str) -> Iterator[Resource | Unparseable | ReadError]:
    """Every resource of the file in file order; a ReadError last if reading stopped early."""
    path, name = Path(path), str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below (generator)
    except OSError as exc:
        yield ReadError(name, None, f"cannot open file: {exc.strerror or exc}")
        return
    count = 0
    try:
        _skip_bom(handle)
        head = handle.read(_SNIFF_BYTES)
        if not head.strip():
            yield ReadError(name, None, "empty file")
            return
        handle.seek(0)
        _skip_bom(handle)
        items = (
            _read_ndjson(handle, name) if is_ndjson(path, head) else _read_json(handle, path, name)
        )
        for item in items:
            count += 1
            yield item
    except _Unsupported as exc:
        yield ReadError(name, None, str(exc))
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        yield ReadError(
            name,
            count,
            f"corrupt or truncated JSON after {count} resource(s), "
            f"near byte {handle.tell()}: {detail}",
        )
    finally:
        handle.close()
