"""Every decision id the code cites resolves to a heading of docs/, and no citation points outside.

The code explains itself by ids (``RES-12``, ``API-8``, ``MAP-15``, ``SRC-4``, ``DOC-6``) defined in
``docs/``; a maintainer who clones the repository can follow each one.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITED_IN = (
    "eclaire_core",
    "eclaire_search",
    "ingest",
    "eclaire_cli",
    "bench",
    "scripts",
    "tests",
    "devtools",
    "deploy",
)
SUFFIXES = (".py", ".html", ".json", ".toml", ".conf", ".service", ".timer", ".yml", ".env")
ID = re.compile(r"\b(?:RES|API|MAP|SRC|DOC)-\d+(?:\.\d+)*\b")
HEADING = re.compile(r"^###\s+((?:RES|API|MAP|SRC|DOC)-\d+(?:\.\d+)*)\s*$", re.MULTILINE)
# Citations of documents the repository does not hold.
OUTSIDE = re.compile(r"rulings\.md|\brulings [RA]\d|source-exports|§\s?\d")


def code_files() -> list[Path]:
    files = [
        path
        for folder in CITED_IN
        if (ROOT / folder).is_dir()
        for path in (ROOT / folder).rglob("*")
        if path.suffix in SUFFIXES
        and ".venv" not in path.parts
        and "results" not in path.parts  # bench/results: generated figures, not code
        and path != Path(__file__)
    ]
    return [*files, ROOT / "README.md", ROOT / "Makefile"]


def defined_ids() -> set[str]:
    return {m for doc in (ROOT / "docs").glob("*.md") for m in HEADING.findall(doc.read_text())}


def test_docs_define_ids() -> None:
    ids = defined_ids()
    assert {"RES-1", "RES-15", "API-1", "API-8", "MAP-1", "SRC-4", "DOC-6"} <= ids


def test_every_cited_id_resolves_in_docs() -> None:
    ids = defined_ids()
    unresolved = sorted(
        {
            f"{path.relative_to(ROOT)}: {cited}"
            for path in code_files()
            for cited in ID.findall(path.read_text(errors="replace"))
            if cited not in ids
        }
    )
    assert not unresolved, unresolved


def test_no_citation_of_documents_outside_the_repository() -> None:
    found = sorted(
        f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}"
        for path in code_files()
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    )
    assert not found, found


def test_doc_links_point_at_existing_anchors() -> None:
    """``[x](decisions.md#res-1)`` style links inside docs/ reach a heading."""
    anchors = {
        (doc.name, m.lower().replace(".", ""))
        for doc in (ROOT / "docs").glob("*.md")
        for m in HEADING.findall(doc.read_text())
    }
    link = re.compile(r"\]\(([\w-]+\.md)#([\w-]+)\)")
    broken = sorted(
        f"{doc.name}: {target}#{anchor}"
        for doc in (ROOT / "docs").glob("*.md")
        for target, anchor in link.findall(doc.read_text())
        if (target, anchor) not in anchors
    )
    assert not broken, broken
