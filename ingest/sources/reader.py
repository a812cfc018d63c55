"""Streaming reader for the export files: one element at a time, never the whole file.

An export is a bare JSON array of flat objects (a 2023 prototype wrapped it as
``{"data": [...]}``; both are read). The reader does not judge elements: a number or string in
the array is handed on as it is so the caller can dead-letter it with its index. A truncated or
corrupt file ends that file's iteration with a :class:`ReadError` telling where it stopped; the
caller goes on with the next file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ijson

_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One element of the top-level array, as parsed (usually a dict, not always)."""

    file: str
    index: int
    value: Any


@dataclass(frozen=True, slots=True)
class ReadError:
    """The file could not be read (further): ``index`` is the position where reading stopped."""

    file: str
    index: int | None
    reason: str


def _first_byte(handle: Any) -> tuple[bytes, int]:
    """The first significant byte and its offset (a UTF-8 BOM and whitespace are skipped)."""
    head: bytes = handle.read(3)
    offset = 3 if head == _BOM else 0
    handle.seek(offset)
    while chunk := handle.read(65536):
        stripped = chunk.lstrip(_WHITESPACE)
        if stripped:
            return stripped[:1], offset + len(chunk) - len(stripped)
        offset += len(chunk)
    return b"", offset


def read_export(path: Path | str) -> Iterator[RawRecord | ReadError]:
    """Yield every element of the export's top-level array, then stop (or a ReadError)."""
    name = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below (generator)
    except OSError as exc:
        yield ReadError(name, None, f"cannot open file: {exc.strerror or exc}")
        return
    try:
        first, offset = _first_byte(handle)
        if not first:
            yield ReadError(name, None, "empty file: no JSON array")
            return
        if first == b"[":
            prefix = "item"
        elif first == b"{":
            prefix = "data.item"  # the 2023 prototype's {"data": [...]} wrapper
        else:
            yield ReadError(name, None, f"not a JSON array: file starts with {first!r}")
            return
        handle.seek(offset)
        index = -1
        try:
            for index, value in enumerate(ijson.items(handle, prefix, use_float=True)):
                yield RawRecord(name, index, value)
        except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
            where = handle.tell()
            yield ReadError(
                name,
                index + 1,
                f"corrupt or truncated JSON after {index + 1} record(s), "
                f"near byte {where}: {str(exc).strip().splitlines()[0]}",
            )
            return
        if prefix == "data.item" and index < 0:
            yield ReadError(name, None, 'JSON object without a "data" array of records')
    finally:
        handle.close()
