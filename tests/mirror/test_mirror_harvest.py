"""``eclaire harvest`` against our own API on loopback: pages, order, resume, expiry, retries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from mirror_server import Served

from ingest.harvest import HarvestError, HarvestState, harvest, state_file
from ingest.mapping import ASSIGNER_ORGANIZATIONS

COUNT = 7  # 40 studies: 6 pages


def lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


class Flaky(httpx.BaseTransport):
    """Loopback transport that fails (or answers ``status``) from the ``fail_from``-th request."""

    def __init__(self, fail_from: int, status: int | None = None, times: int = 10**6) -> None:
        self.inner = httpx.HTTPTransport()
        self.requests = 0
        self.fail_from, self.status, self.times = fail_from, status, times
        self.urls: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        self.urls.append(str(request.url))
        if self.requests >= self.fail_from and self.times > 0:
            self.times -= 1
            if self.status is None:
                raise httpx.ConnectError("connection refused (simulated)", request=request)
            return httpx.Response(
                self.status,
                headers={"Retry-After": "7"},
                json={"resourceType": "OperationOutcome", "issue": [{"code": "expired"}]},
            )
        return self.inner.handle_request(request)


def client(transport: httpx.BaseTransport) -> httpx.Client:
    return httpx.Client(transport=transport, headers={"Accept": "application/fhir+json"})


@pytest.fixture(scope="module")
def reference(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One uninterrupted harvest, the yardstick of the resumed ones."""
    out = tmp_path_factory.mktemp("harvest") / "reference.ndjson"
    summary = harvest(served.base, out, delay=0, count=COUNT)
    assert summary.done and summary.pages == 6 and summary.studies == len(served.expected)
    return out


def test_each_study_is_followed_by_its_own_resources(reference: Path, served: Served) -> None:
    resources = lines(reference)
    studies = [r["id"] for r in resources if r["resourceType"] == "ResearchStudy"]
    assert sorted(studies) == sorted(e.id for e in served.expected)
    current = None
    for resource in resources:
        if resource["resourceType"] == "ResearchStudy":
            current = resource["id"]
        else:
            assert current and resource["id"].startswith(f"{current}-"), resource["id"]
    assert not {r["id"] for r in resources} & set(ASSIGNER_ORGANIZATIONS)
    kinds = {r["resourceType"] for r in resources}
    assert kinds == {"ResearchStudy", "Group", "Location", "Organization"}
    state = HarvestState.load(state_file(reference))
    assert state.done and state.offset == reference.stat().st_size and state.pages == 6


def test_resume_after_an_interruption(reference: Path, served: Served, tmp_path: Path) -> None:
    out = tmp_path / "mirror.ndjson"
    slept: list[float] = []
    flaky = Flaky(fail_from=3)  # pages 1-2 arrive, then the network is gone
    with pytest.raises(HarvestError, match="failed 5 times"):
        harvest(served.base, out, delay=0.25, count=COUNT, client=client(flaky), sleep=slept.append)
    assert slept == [0.25, 0.25, 1, 2, 4, 8]  # the polite delays, then backoff
    state = HarvestState.load(state_file(out))
    assert (state.pages, state.offset) == (2, out.stat().st_size) and not state.done
    with open(out, "ab") as handle:  # the run died in the middle of writing a third page
        handle.write(b'{"resourceType": "ResearchStudy", "id": "half')
    summary = harvest(served.base, out, delay=0, resume=True)
    assert summary.done and summary.pages == 6
    assert out.read_bytes() == reference.read_bytes()
    again = harvest(served.base, out, delay=0, resume=True)  # finished: nothing more to fetch
    assert again.done and out.read_bytes() == reference.read_bytes()


def test_expired_next_link_restarts_and_skips_what_was_written(
    reference: Path, served: Served, tmp_path: Path
) -> None:
    out = tmp_path / "mirror.ndjson"
    harvest(served.base, out, delay=0, count=COUNT, max_pages=2)
    expired = Flaky(fail_from=1, status=410, times=1)
    summary = harvest(served.base, out, delay=0, resume=True, client=client(expired))
    assert summary.done and summary.restarts == 1
    assert "_cursor=" in expired.urls[0] and "_cursor=" not in expired.urls[1]
    got = lines(out)
    assert sorted(orjson.dumps(r) for r in got) == sorted(orjson.dumps(r) for r in lines(reference))


def test_busy_server_is_retried_after_its_retry_after(served: Served, tmp_path: Path) -> None:
    busy = Flaky(fail_from=2, status=503, times=2)
    slept: list[float] = []
    out = tmp_path / "mirror.ndjson"
    summary = harvest(
        served.base, out, delay=0.5, count=COUNT, client=client(busy), sleep=slept.append
    )
    assert summary.done and summary.studies == len(served.expected)
    assert slept[:3] == [0.5, 7.0, 7.0]


def test_refuses_what_is_not_a_search_bundle(served: Served, tmp_path: Path) -> None:
    with pytest.raises(HarvestError, match="HTTP 404"):
        harvest(served.base + "/nowhere", tmp_path / "x.ndjson", delay=0)
