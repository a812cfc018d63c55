"""MedDRA LLT table (RES-14): configurable file, synthetic sample, Windows-1252 tolerated."""

from __future__ import annotations

from pathlib import Path

from eclaire_core.meddra import SAMPLE_TABLE, MeddraTable


def test_sample_is_synthetic_and_complete() -> None:
    table = MeddraTable.load()
    assert len(table) == 300
    lines = SAMPLE_TABLE.read_text(encoding="utf-8").splitlines()
    codes = [int(line.split("$")[0]) for line in lines]
    assert codes == list(range(10090001, 10090301))
    assert table.label("10090001") == "Fictivose cardiaque aiguë"
    assert table.label("10012345") is None


def test_real_llt_layout_and_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "llt.asc"
    path.write_bytes(
        "10000001$Dysfonction ventriculaire$10000001$$$$$$$Y$$\n"
        "garbage line\n10000002$Œdème fictif$\n".encode("cp1252")
    )
    table = MeddraTable.load(path)
    assert table.label("10000001") == "Dysfonction ventriculaire"
    assert table.label("10000002") == "Œdème fictif"
    assert len(table) == 2
