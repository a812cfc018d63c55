"""``eclaire harvest``: page through a live FHIR base into NDJSON for ``eclaire ingest --fhir``.

``GET {base}/ResearchStudy?_include=*&_count=N``, then the ``next`` links, one page at a time
with a polite delay between pages and backoff on 429/5xx/transport errors (``Retry-After``
honoured). Each page is written with every matched study followed by its own Group, Locations
and sponsor, so the loader finds them together; the assigner Organizations (constants here)
and the server's outcome entries are left out.

Resumable: after each page the output is flushed to disk, then ``{out}.harvest.json`` records
the byte length of the output and the ``next`` link. ``--resume`` cuts the output back to that
length (a page half-written when the run died is dropped) and goes on from that link. A
``next`` link can expire (this project's paging cursors hold a 5-minute point-in-time; the
server answers 410): the harvest then starts again from the first page and skips the studies
already written.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, Final
from urllib.parse import urljoin

import httpx
import orjson

from eclaire_core.resources import ASSIGNER_ORGANIZATIONS, owner
from ingest.errors import HarvestStopped, SourceUnreachable

DEFAULT_COUNT: Final = 200
STATE_SUFFIX: Final = ".harvest.json"
USER_AGENT: Final = "eclaire-search-harvest/0.1"
RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
MAX_RESTARTS: Final = 3
"""Restarts from the first page (expired ``next`` links) allowed in one run."""


HarvestError = HarvestStopped
"""The harvest stopped; what was written so far is kept and ``--resume`` goes on (exit 6, or
4 as :class:`SourceUnreachable` when the server never answered)."""


class _Expired(Exception):
    """The server no longer knows the ``next`` link (410 Gone)."""


@dataclass
class HarvestState:
    """Saved beside the output after each page: where to go on from."""

    start: str
    next: str | None
    offset: int = 0
    pages: int = 0
    studies: int = 0
    resources: int = 0
    restarts: int = 0

    @property
    def done(self) -> bool:
        return self.next is None

    def save(self, path: Path) -> None:
        """Atomically: a crash leaves the previous state or this one, never half of one."""
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(orjson.dumps(asdict(self), option=orjson.OPT_INDENT_2))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> HarvestState:
        data = orjson.loads(path.read_bytes())
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class HarvestSummary:
    pages: int
    studies: int
    resources: int
    restarts: int
    done: bool
    state_file: Path


def state_file(out: Path) -> Path:
    return out.with_name(out.name + STATE_SUFFIX)


def first_page(base_url: str, count: int) -> str:
    return f"{base_url.rstrip('/')}/ResearchStudy?_include=*&_count={count}"


def _study_of(resource: dict[str, Any]) -> str | None:
    kind, ident = resource.get("resourceType"), resource.get("id")
    if not isinstance(kind, str) or not isinstance(ident, str):
        return None
    if kind == "Organization" and ident in ASSIGNER_ORGANIZATIONS:
        return ""  # a constant here: not written
    return owner(kind, ident)


def page_lines(bundle: dict[str, Any], skip: set[str]) -> tuple[list[bytes], list[str]]:
    """NDJSON lines of a page (each study then its resources) and the study ids written."""
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for entry in bundle.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or (entry.get("search") or {}).get("mode") == "outcome":
            continue
        study = _study_of(resource)
        if study == "" or (study is not None and study in skip):
            continue
        group = groups.setdefault(study, [])
        if resource["resourceType"] == "ResearchStudy":
            group.insert(0, resource)
        else:
            group.append(resource)
    option = orjson.OPT_APPEND_NEWLINE
    unowned = groups.pop(None, [])
    lines = [orjson.dumps(r, option=option) for group in groups.values() for r in group]
    lines += [orjson.dumps(r, option=option) for r in unowned]
    written = [
        study
        for study, group in groups.items()
        if study and group[0]["resourceType"] == "ResearchStudy"
    ]
    return lines, written


def written_studies(out: Path, length: int) -> set[str]:
    """Ids of the ResearchStudy lines in the first ``length`` bytes of the output."""
    found: set[str] = set()
    with open(out, "rb") as handle:
        for line in handle:
            if handle.tell() > length:
                break
            if b'"ResearchStudy"' in line:
                resource = orjson.loads(line)
                if resource.get("resourceType") == "ResearchStudy":
                    found.add(resource["id"])
    return found


def _next_link(bundle: dict[str, Any], current: str) -> str | None:
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next" and link.get("url"):
            return urljoin(current, str(link["url"]))
    return None


def _problem(response: httpx.Response) -> str:
    try:
        body = orjson.loads(response.content)
        issues = body.get("issue") or []
        detail = "; ".join(str(i.get("diagnostics") or i.get("code")) for i in issues)
    except (orjson.JSONDecodeError, AttributeError):
        detail = response.text[:200]
    return f"HTTP {response.status_code}: {detail}"


def _wait(response: httpx.Response | None, attempt: int) -> float:
    retry_after = response.headers.get("retry-after") if response is not None else None
    if retry_after and retry_after.strip().isdigit():
        return min(float(retry_after), 300.0)
    return float(min(2**attempt, 60))


class Harvester:
    """One harvest run; ``sleep`` and the client are injectable so tests need no waiting."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        delay: float = 0.5,
        retries: int = 4,
        sleep: Callable[[float], None] = time.sleep,
        progress: Callable[[HarvestState], None] | None = None,
    ) -> None:
        self.client = client
        self.delay = delay
        self.retries = retries
        self.sleep = sleep
        self.progress = progress

    def fetch(self, url: str) -> dict[str, Any]:
        """One page as a searchset Bundle, retried on transient failures."""
        problem = ""
        unanswered = False
        for attempt in range(self.retries + 1):
            response = None
            try:
                response = self.client.get(url)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
                unanswered = True
            else:
                unanswered = False
                if response.status_code == 410:
                    raise _Expired(_problem(response))
                if response.status_code == 200:
                    return self._bundle(url, response)
                problem = _problem(response)
                if response.status_code not in RETRY_STATUSES:
                    raise HarvestError(f"GET {url}: {problem}")
            if attempt < self.retries:
                self.sleep(_wait(response, attempt))
        if unanswered:
            raise SourceUnreachable(
                f"GET {url} failed {self.retries + 1} time{'s' if self.retries else ''}, "
                f"no answer; last: {problem}"
            )
        raise HarvestError(f"GET {url} failed {self.retries + 1} times; last: {problem}")

    @staticmethod
    def _bundle(url: str, response: httpx.Response) -> dict[str, Any]:
        try:
            bundle = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise HarvestError(f"GET {url}: the answer is not JSON ({exc})") from None
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise HarvestError(f"GET {url}: the answer is not a FHIR Bundle")
        if bundle.get("type") != "searchset":
            raise HarvestError(f"GET {url}: Bundle type {bundle.get('type')!r}, not searchset")
        return bundle

    def run(self, state: HarvestState, out: Path, path: Path, max_pages: int | None) -> None:
        """Fetch and append pages from ``state.next`` until the end (or ``max_pages``)."""
        # A study already written is never written again: an offset-paged server (the
        # production API's _getpagesoffset) serves it twice when the data move under the pages.
        skip = written_studies(out, state.offset) if state.offset else set()
        restarts = pages = 0
        with open(out, "r+b") as handle:
            handle.truncate(state.offset)  # drop a page half-written by a run that died
            handle.seek(state.offset)
            while state.next is not None and (max_pages is None or pages < max_pages):
                if pages and self.delay > 0:
                    self.sleep(self.delay)
                try:
                    bundle = self.fetch(state.next)
                except _Expired as exc:
                    if restarts >= MAX_RESTARTS:
                        raise HarvestError(
                            f"next link expired {restarts + 1} times: {exc}"
                        ) from None
                    restarts += 1
                    skip = written_studies(out, state.offset)
                    state.next, state.restarts = state.start, state.restarts + 1
                    state.save(path)
                    continue
                self._append(handle, state, bundle, skip)
                state.save(path)
                pages += 1
                if self.progress:
                    self.progress(state)

    @staticmethod
    def _append(
        handle: IO[bytes], state: HarvestState, bundle: dict[str, Any], skip: set[str]
    ) -> None:
        """Write the page to disk (fsync) before the state says it was written."""
        lines, studies = page_lines(bundle, skip)
        handle.write(b"".join(lines))
        handle.flush()
        os.fsync(handle.fileno())
        skip.update(studies)
        state.offset = handle.tell()
        state.pages += 1
        state.studies += len(studies)
        state.resources += len(lines)
        state.next = _next_link(bundle, state.next or state.start)


def harvest(
    base_url: str,
    out: Path,
    *,
    delay: float = 0.5,
    count: int = DEFAULT_COUNT,
    resume: bool = False,
    max_pages: int | None = None,
    retries: int = 4,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[HarvestState], None] | None = None,
) -> HarvestSummary:
    """Harvest ``base_url`` into ``out``; ``resume`` goes on from the saved state, if any.

    Without ``resume`` (or without a saved state) the output is started afresh.
    """
    path = state_file(out)
    if resume and path.exists() and out.exists():
        state = HarvestState.load(path)
        if not state.start.startswith(base_url.rstrip("/") + "/"):
            raise HarvestError(f"{path} is the state of a harvest of {state.start}")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(b"")
        start = first_page(base_url, count)
        state = HarvestState(start=start, next=start)
        state.save(path)
    own_client = client is None
    http = client or httpx.Client(
        timeout=httpx.Timeout(60.0, connect=10.0),
        headers={"Accept": "application/fhir+json", "User-Agent": USER_AGENT},
        follow_redirects=True,
    )
    try:
        Harvester(http, delay=delay, retries=retries, sleep=sleep, progress=progress).run(
            state, out, path, max_pages
        )
    finally:
        if own_client:
            http.close()
    return HarvestSummary(
        state.pages, state.studies, state.resources, state.restarts, state.done, path
    )
