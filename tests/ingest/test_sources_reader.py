"""The streaming reader: one element at a time, quirks of the file format, where it broke."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from ingest.sources import RawRecord, ReadError, read_export


def _write(tmp_path: Path, content: str | bytes, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_bare_array(tmp_path: Path) -> None:
    path = _write(tmp_path, '[{"a": 1}, {"b": [1, 2.5]}]')
    assert list(read_export(path)) == [
        RawRecord(str(path), 0, {"a": 1}),
        RawRecord(str(path), 1, {"b": [1, 2.5]}),
    ]


def test_prototype_wrapper_bom_and_whitespace(tmp_path: Path) -> None:
    path = _write(tmp_path, b'\xef\xbb\xbf \n {"data": [{"a": 1}]}')
    assert [r.value for r in read_export(path) if isinstance(r, RawRecord)] == [{"a": 1}]


def test_non_object_elements_are_passed_on(tmp_path: Path) -> None:
    path = _write(tmp_path, '[1, "x", null, [], {"a": 1}]')
    assert [r.value for r in read_export(path) if isinstance(r, RawRecord)] == [
        1,
        "x",
        None,
        [],
        {"a": 1},
    ]


def test_truncated_file_says_where(tmp_path: Path) -> None:
    path = _write(tmp_path, '[{"a": 1}, {"b": 2}, {"c": ')
    items = list(read_export(path))
    assert [type(i) for i in items] == [RawRecord, RawRecord, ReadError]
    error = items[-1]
    assert isinstance(error, ReadError)
    assert error.index == 2
    assert "after 2 record(s)" in error.reason and "near byte" in error.reason


def test_trailing_garbage_and_bad_bytes(tmp_path: Path) -> None:
    items = list(read_export(_write(tmp_path, '[{"a": 1}] junk')))
    assert isinstance(items[-1], ReadError)
    items = list(read_export(_write(tmp_path, b'[{"a": "\xff\xfe"}]', "bad.json")))
    assert isinstance(items[-1], ReadError)


def test_unreadable_files(tmp_path: Path) -> None:
    for content, words in [
        ("", "empty"),
        ("   ", "empty"),
        ('"a string"', "not a JSON array"),
        ('{"rows": []}', '"data"'),
    ]:
        (error,) = list(read_export(_write(tmp_path, content)))
        assert isinstance(error, ReadError) and error.index is None
        assert words in error.reason
    (error,) = list(read_export(tmp_path / "missing.json"))
    assert isinstance(error, ReadError) and "cannot open" in error.reason


def test_streaming_memory_stays_small(tmp_path: Path) -> None:
    record = {"reglementation_code": "JARDE", "titre_recherche": "x" * 900, "numero": "1"}
    path = tmp_path / "big.json"
    with open(path, "w") as handle:
        handle.write("[")
        handle.write(",".join(json.dumps({**record, "i": i}) for i in range(20000)))
        handle.write("]")
    size = path.stat().st_size
    tracemalloc.start()
    count = sum(1 for _ in read_export(path))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 20000
    assert peak < size / 20, (peak, size)  # one record at a time, not the file
