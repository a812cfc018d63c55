"""The README's parameter table is generated from the same table the code uses."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_parameter_table_is_current() -> None:
    module = runpy.run_path(str(ROOT / "scripts" / "generate_param_docs.py"))
    readme = (ROOT / "README.md").read_text()
    assert module["render"](readme) == readme, "run scripts/generate_param_docs.py"
