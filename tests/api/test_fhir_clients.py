"""Real FHIR clients from PyPI against a served instance (uvicorn on loopback, the real node).

fhirpy (the client the issue saw fail on ``.include(…, 'Location')``) and SMART's fhirclient,
whose R4 models parse every resource strictly (an unknown element or a wrong type raises): the
basics, paging, the three-part ``_include``, and HAPI's GET_WITH_SEARCH form through fhirpy's
raw ``execute``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fhirclient import server as smart_server
from fhirclient.models.bundle import Bundle
from fhirclient.models.group import Group
from fhirclient.models.location import Location
from fhirclient.models.researchstudy import ResearchStudy
from fhirpy import SyncFHIRClient
from studies_fixture import Loaded

from eclaire_search.app import create_app
from eclaire_search.serving import GuardedHttpToolsProtocol

STUDY = "2021-A01861-40"


class LiveServer:
    """uvicorn in a thread on 127.0.0.1 and a port the kernel chose, with the HTTP protocol
    ``eclaire serve`` deploys (head limits, the head sent with the body)."""

    def __init__(self, loaded: Loaded) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(
            create_app(loaded.settings),
            http=GuardedHttpToolsProtocol,
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the API did not start on loopback")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}/R4"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()


@pytest.fixture(scope="module")
def base(loaded: Loaded) -> Iterator[str]:
    with LiveServer(loaded) as url:
        yield url


def test_fhirpy_basics_and_paging(base: str, loaded: Loaded) -> None:
    client = SyncFHIRClient(base)
    study = client.reference("ResearchStudy", STUDY).to_resource()
    assert study["id"] == STUDY and study["status"]
    active = client.resources("ResearchStudy").search(status="active")
    expected = sorted(e.id for e in loaded.expected if e.status == "active")
    assert active.count() == len(expected)
    every = active.limit(2).fetch_all()  # follows the next links, two studies a page
    assert sorted(s["id"] for s in every) == expected
    first = client.resources("ResearchStudy").search(_id=STUDY).first()
    assert first is not None and first["id"] == STUDY


def test_fhirpy_three_part_include(base: str) -> None:
    client = SyncFHIRClient(base)
    search = (
        client.resources("ResearchStudy")
        .search(_id=STUDY)
        .include("ResearchStudy", "site", "Location")
        .include("ResearchStudy", "enrollment", "Group")
    )
    bundle = search.fetch_raw()
    kinds = sorted({e.resource.resourceType for e in bundle.entry})
    assert kinds == ["Group", "Location", "ResearchStudy"]
    study = next(e.resource for e in bundle.entry if e.resource.resourceType == "ResearchStudy")
    sites = {s["reference"] for s in study["site"]}
    locations = {
        f"Location/{e.resource.id}" for e in bundle.entry if e.resource.resourceType == "Location"
    }
    assert locations == sites


def test_get_with_search_through_fhirpy(base: str) -> None:
    """HAPI's generic client sends ``GET [type]/_search?…`` (SearchStyleEnum.GET_WITH_SEARCH)."""
    client = SyncFHIRClient(base)
    bundle = client.execute(
        "ResearchStudy/_search", method="get", params={"_id": STUDY, "_include": "*"}
    )
    assert bundle["resourceType"] == "Bundle" and bundle["total"] == 1
    assert {e["search"]["mode"] for e in bundle["entry"]} == {"match", "include"}


def test_fhirclient_models_parse_every_answer(base: str) -> None:
    smart = smart_server.FHIRServer(None, base_uri=base + "/")
    study = ResearchStudy.read(STUDY, smart)
    assert study.id == STUDY and study.enrollment
    group = Group.read(study.enrollment[0].reference.split("/", 1)[1], smart)
    assert group.characteristic
    for site in study.site:
        location = Location.read(site.reference.split("/", 1)[1], smart)
        assert location.address
    search = ResearchStudy.where(struct={"_include": "*", "_count": "10"})
    pages = list(search.perform_iter(smart))
    entries = [e for page in pages for e in page.entry or []]
    assert {type(e.resource).__name__ for e in entries} >= {
        "ResearchStudy",
        "Group",
        "Location",
        "Organization",
    }
    assert all(isinstance(page, Bundle) for page in pages)
