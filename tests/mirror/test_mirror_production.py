"""Done when: the production API's own answers (2023) and the reference implementation's
(today) load through ``eclaire ingest --fhir`` with 0 dead letters, and reading each study back
keeps every real value the IG can hold — contact names included.

The files are real (``tests/data/production/ORIGIN.md``). "Every real value" is checked
generically: each string leaf of a served study, Group and Location read (placeholders, the
API's element labels, system URLs and versions apart) must appear in what our API serves.
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import orjson
import pytest
from mirror_server import alias_settings, point_cli_at
from starlette.testclient import TestClient
from studies_fixture import drop_alias
from typer.testing import CliRunner

from eclaire_cli.main import app
from eclaire_core.settings import Settings, get_settings
from eclaire_search.app import create_app
from ingest.deadletter import read_dead_letters
from ingest.fhir.normalise import is_placeholder
from ingest.fhir.repair import LABELS
from ingest.mapping.markdown import html_to_markdown
from ingest.sources.text import fold

DATA = Path(__file__).parents[1] / "data" / "production"
REFERENCE_READS = ("ResearchStudy", "FindGroup", "FindLocation", "FindOrganization")
SETS: dict[str, list[str]] = {
    "api2023-identifier": ["api2023/Bundle-search-identifier-2023-10-17.json"],
    "api2023-lastUpdated": ["api2023/Bundle-search-lastUpdated-2023-10-17.json"],
    "api2023-status-active": ["api2023/Bundle-search-status-active-2023-10-17.json"],
    "ig2023-bundle": ["ig2023/Bundle-lastupdated-2023-12-04.json"],
    "ig2023-studies": [
        "ig2023/ResearchStudy-2022-500014-26-00.json",
        "ig2023/ResearchStudy-2022-500520-30-00.json",
    ],
    "reference-include": ["reference/BundleWithInclude.json"],
    "reference-all": ["reference/BundleWithAllStudies.json"],
    "reference-reads": [],  # the four single reads, as one NDJSON (see _inputs)
}
_VERSION = re.compile(r"\d+\.\d+\.\d+")
_MIDNIGHT = re.compile(r"\d{4}-\d{2}-\d{2}T00:00:00(?:\.0+)?(?:Z|\+00:00)")
_DROPPED = frozenset(
    {
        "Reference to secondary sponsor",  # eclaire-secondary-sponsor: not in IG 0.3
        "Reference to primary sponsor",  # sponsor → associatedParty (a reference, no label)
        "labelValue",  # pre-0.3 label sub-extension URLs, rewritten
        "labelType",
        "recruitment_population",  # Group characteristic.description labels (R6 only)
    }
)


def _inputs(name: str, tmp: Path) -> list[Path]:
    if name != "reference-reads":
        return [DATA / f for f in SETS[name]]
    out = tmp / "reference-reads.ndjson"
    lines = [(DATA / "reference" / f"{n}.json").read_bytes() for n in REFERENCE_READS]
    out.write_bytes(b"\n".join(orjson.dumps(orjson.loads(line)) for line in lines) + b"\n")
    return [out]


def _resources(path: Path) -> Iterator[dict[str, Any]]:
    text = path.read_bytes()
    if path.suffix == ".json":
        docs = [orjson.loads(text)]
    else:
        docs = [orjson.loads(line) for line in text.splitlines() if line.strip()]
    for doc in docs:
        if doc["resourceType"] == "Bundle":
            yield from (e["resource"] for e in doc.get("entry", []))
        else:
            yield doc


_QUALIFIERS = frozenset({"use", "type", "system", "version", "url", "rank", "valueCodeableConcept"})
"""Keys that only qualify or classify a value (a contact's type, a label's type)."""


def _strings(node: Any, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every string leaf, not descending into keys in ``skip`` (at any depth)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, skip)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in skip:
                yield from _strings(value, skip)


def _emptied(node: dict[str, Any]) -> bool:
    """Placeholders were its only content: a contact, telecom, address or label of nothing."""
    content = list(_strings(node, _QUALIFIERS))
    return bool(content) and not any(_real(s, "") for s in content)


def _wanted(node: Any, own_id: str) -> Iterator[str]:
    """The real strings of a source resource (narratives apart), emptied elements left out."""
    if isinstance(node, str):
        if _real(node, own_id):
            yield _as_repaired(node.strip())  # FHIR forbids leading and trailing whitespace
    elif isinstance(node, list):
        for item in node:
            yield from _wanted(item, own_id)
    elif isinstance(node, dict) and not _emptied(node):
        for key, value in node.items():
            if key != "text" or isinstance(value, str):
                yield from _wanted(value, own_id)


def _as_repaired(value: str) -> str:
    """The form a documented repair gives a kept value: a midnight recruitment date-time as its
    date (``period-precision``), a summary's HTML as markdown (``summary-markdown``)."""
    if _MIDNIGHT.fullmatch(value):
        return value[:10]
    return html_to_markdown(value) if "<" in value else value


def _real(value: str, own_id: str) -> bool:
    """A value the IG can hold and a faithful copy must keep."""
    return not (
        not value.strip()
        or is_placeholder(value)
        or fold(value) in LABELS
        or fold(value) == "n a"
        or value.startswith(("http://", "https://"))
        or _VERSION.fullmatch(value)
        or value in _DROPPED
        or value.endswith("-secondary-sponsor")
        or value == own_id  # the contained Group's id is renamed (IG 0.1.0)
    )


@pytest.fixture
def cli_settings(
    opensearch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    settings = alias_settings(opensearch_url, tmp_path / "var", "test-mirror-prod")
    point_cli_at(settings, monkeypatch)
    yield settings
    get_settings.cache_clear()
    drop_alias(settings)


def _read(client: TestClient, path: str) -> dict[str, Any]:
    response = client.get(f"/R4/{path}")
    assert response.status_code == 200, (path, response.text)
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", list(SETS))
def test_production_files_load_whole_and_read_back(
    name: str, cli_settings: Settings, tmp_path: Path
) -> None:
    inputs = _inputs(name, tmp_path)
    loaded = CliRunner().invoke(app, ["ingest", "--fhir", *map(str, inputs)])
    assert loaded.exit_code == 0, loaded.output
    (run,) = (cli_settings.data_dir / "runs").iterdir()
    assert read_dead_letters(run / "dead-letters.ndjson") == []
    summary = orjson.loads((run / "summary.json").read_bytes())["mapping"]
    source = [r for path in inputs for r in _resources(path)]
    studies = [r for r in source if r["resourceType"] == "ResearchStudy"]
    assert summary["mapped"] == len(studies) and summary["dead_lettered"] == 0

    with TestClient(create_app(cli_settings)) as client:
        for study in studies:
            study_id = study["id"]
            served = _read(client, f"ResearchStudy/{study_id}")
            linked = [
                r
                for r in source
                if r["resourceType"] in ("Group", "Location") and r["id"].startswith(f"{study_id}-")
            ]
            kept = set(_strings(served))
            for resource in linked:
                kept |= set(_strings(_read(client, f"{resource['resourceType']}/{resource['id']}")))
            if contained := study.get("contained"):
                kept |= set(_strings(_read(client, f"Group/{study_id}-enrollment-group")))
                own = contained[0]["id"]
            else:
                own = ""
            wanted = {s for resource in [study, *linked] for s in _wanted(resource, own)}
            lost = sorted(s for s in wanted if not any(s in k for k in kept))
            assert not lost, (study_id, lost)


def test_contact_names_in_extensions_without_url_are_kept(cli_settings: Settings) -> None:
    """2021-A01861-40 (the 2023 answer to ``identifier=``): the name had no extension url."""
    path = DATA / "api2023" / "Bundle-search-identifier-2023-10-17.json"
    loaded = CliRunner().invoke(app, ["ingest", "--fhir", str(path)])
    assert loaded.exit_code == 0, loaded.output
    (run,) = (cli_settings.data_dir / "runs").iterdir()
    warnings = orjson.loads((run / "summary.json").read_bytes())["mapping"]["warnings"]
    assert warnings["extension-placed"] == 1 and warnings["code-from-display"] == 2
    assert warnings["sponsor-to-party"] == 1
    with TestClient(create_app(cli_settings)) as client:
        study = _read(client, "ResearchStudy/2021-A01861-40")
        (found,) = client.get("/R4/ResearchStudy?category=REG745").json()["entry"]
    assert found["resource"]["id"] == "2021-A01861-40"
    (contact,) = study["contact"]
    assert contact["extension"] == [
        {
            "url": "https://interop.esante.gouv.fr/ig/fhir/eclaire/StructureDefinition/eclaire-contact-name",
            "valueHumanName": {"given": ["Sylvie"], "use": "official", "family": "ODIER"},
        }
    ]
    assert contact["telecom"] == [
        {"system": "email", "use": "work", "value": "sodier@p-b-group.com"}
    ]
    assert "sponsor" not in study and "condition" not in study  # both were placeholders
    assert {"use": "official"}.items() <= study["identifier"][0].items()  # kept, without value


def test_reference_group_and_placeholder_site_are_served_in_the_ig_form(
    cli_settings: Settings,
) -> None:
    path = DATA / "reference" / "BundleWithInclude.json"
    loaded = CliRunner().invoke(app, ["ingest", "--fhir", str(path)])
    assert loaded.exit_code == 0, loaded.output
    with TestClient(create_app(cli_settings)) as client:
        group = _read(client, "Group/2022-500014-26-00-enrollment-group")
        site = _read(client, "Location/2022-500014-26-00-0-site")
    criteria = [c for c in group["characteristic"] if c["code"].get("text")]
    assert [(c["code"]["text"], c["valueCodeableConcept"]["text"], c["exclude"]) for c in criteria][
        :2
    ] == [
        ("eligibility-criteria", "TEST INCLUSION", False),
        ("eligibility-criteria", "TEST EXCLUSION", True),
    ]
    assert all("description" not in c and "exclude" in c for c in group["characteristic"])
    assert "name" not in site and site["address"]["city"] == "Lille"
    assert site["telecom"][2]["extension"][0]["valueHumanName"]["family"] == "Aumar"


class _Pages(http.server.BaseHTTPRequestHandler):
    """Serves production answers as consecutive search pages, linked by ``next``."""

    pages: ClassVar[list[bytes]] = []

    def do_GET(self) -> None:
        index = int(self.path.rsplit("page", 1)[1]) if "page" in self.path else 0
        body = self.pages[index]
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_harvest_of_production_pages_then_load(cli_settings: Settings, tmp_path: Path) -> None:
    """``eclaire harvest`` follows the production pages (2023 answers, today's reference)."""
    files = [
        "api2023/Bundle-search-status-active-2023-10-17.json",
        "reference/BundleWithInclude.json",
        "ig2023/Bundle-lastupdated-2023-12-04.json",
    ]
    pages = []
    for i, name in enumerate(files):
        bundle = orjson.loads((DATA / name).read_bytes())
        links = [link for link in bundle.get("link", []) if link["relation"] != "next"]
        if i + 1 < len(files):
            links.append({"relation": "next", "url": f"/R4/page{i + 1}"})
        pages.append(orjson.dumps({**bundle, "link": links}))
    _Pages.pages = pages
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    out = tmp_path / "production.ndjson"
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/R4"
        harvested = CliRunner().invoke(app, ["harvest", base, "--out", str(out), "--delay", "0"])
    finally:
        server.shutdown()
        server.server_close()
    assert harvested.exit_code == 0, harvested.output
    ids = {r["id"] for name in files for r in _resources(DATA / name)}
    studies = {
        r["id"]
        for name in files
        for r in _resources(DATA / name)
        if r["resourceType"] == "ResearchStudy"
    }
    written = {orjson.loads(line)["id"] for line in out.read_bytes().splitlines()}
    assert written <= ids and studies <= written
    loaded = CliRunner().invoke(app, ["ingest", "--fhir", str(out)])
    assert loaded.exit_code == 0, loaded.output
    (run,) = (cli_settings.data_dir / "runs").iterdir()
    assert read_dead_letters(run / "dead-letters.ndjson") == []
    with TestClient(create_app(cli_settings)) as client:
        total = client.get("/R4/ResearchStudy?_summary=count").json()["total"]
    assert total == len(studies)
