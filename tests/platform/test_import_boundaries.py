"""The import boundaries that keep the two sides apart (read from the source, not at run time).

``eclaire_core`` is the contract both sides share and imports neither; the API never imports
the ingest; the ingest never imports the API's HTTP layer (it may serve the API by the import
string uvicorn loads, never by importing it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
API_HTTP_LAYER = (
    "eclaire_search.app",
    "eclaire_search.routes",
    "eclaire_search.pages",
    "eclaire_search.responses",
    "eclaire_search.serving",
)


def imports_of(package: str) -> dict[str, set[str]]:
    """Module file → every module it imports (absolute names), lazy imports included."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(ROOT))] = names
    return found


def offending(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in imports_of(package).items()
        for name in names
        if any(name == f or name.startswith(f"{f}.") for f in forbidden)
    )


def test_the_core_imports_neither_side() -> None:
    assert offending("eclaire_core", ("eclaire_search", "ingest", "devtools")) == []


def test_the_api_never_imports_the_ingest() -> None:
    assert offending("eclaire_search", ("ingest", "devtools")) == []


def test_the_ingest_never_imports_the_api_http_layer() -> None:
    assert offending("ingest", (*API_HTTP_LAYER, "devtools")) == []


@pytest.mark.parametrize("package", ["eclaire_core", "eclaire_search", "ingest"])
def test_the_scan_sees_imports(package: str) -> None:
    """The check reads real imports: every package imports something of the core."""
    assert (
        any(
            name.startswith("eclaire_core")
            for names in imports_of(package).values()
            for name in names
        )
        or package == "eclaire_core"
    )
