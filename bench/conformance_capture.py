"""Capture what the served API answers, one JSON file per answer, for the HL7 validator.

Every kind of resource the API emits: the CapabilityStatement, each custom SearchParameter,
searchsets (``_include=*``, the three-part ``_include``, ``GET _search``, POST ``_search``,
summaries, an ``outcome`` entry), reads and vreads of each type, and the OperationOutcome of
each error status. ``manifest.json`` beside the folder says which request gave which file.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import log

REGULATIONS = ("REG536", "REG745", "REG746", "JARDE")
REFERENCE = re.compile(r'"reference":\s*"((?:Group|Location|Organization)/[^"]+)"')


class Capture:
    def __init__(self, base: str, target: Path) -> None:
        self.base = base.rstrip("/")
        self.target = target
        self.manifest: list[dict[str, Any]] = []

    def get(
        self,
        path: str,
        name: str,
        *,
        method: str = "GET",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        data = json.loads(raw) if raw else None
        file = self.target / f"{name}.json"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(raw)
        self.manifest.append({"file": str(file), "method": method, "url": url, "status": status})
        return status, data


def matches(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in bundle.get("entry", [])
        if e.get("search", {}).get("mode", "match") == "match"
    ]


def capture(base: str, target: Path) -> None:
    """Save the answers under ``target`` (emptied first) and a manifest beside it."""
    shutil.rmtree(target, ignore_errors=True)
    c = Capture(base, target)
    _, cs = c.get("/metadata", "meta/CapabilityStatement-metadata")
    for resource in cs["rest"][0]["resource"]:
        for param in resource.get("searchParam", []):
            if param["definition"].startswith(c.base):
                sp = param["definition"].rsplit("/", 1)[1]
                c.get(param["definition"], f"sp/SearchParameter-{sp}")
    url: str | None = "/ResearchStudy?_include=*&_count=50"  # six pages of _include=*
    for page in range(1, 7):
        assert url is not None
        _, bundle = c.get(url, f"bundle/include-all-page{page}")
        url = next((li["url"] for li in bundle["link"] if li["relation"] == "next"), None)
        if url is None:
            break
    three_part = "_include=ResearchStudy:site:Location&_include=ResearchStudy:enrollment:Group"
    searches = {
        "include-three-part": f"/ResearchStudy?{three_part}&_count=20",
        "get-with-search": "/ResearchStudy/_search?status=active&_count=10",
        "text-score": "/ResearchStudy?_text=cancer&_count=10",
        "summary-true": "/ResearchStudy?_summary=true&_count=10",
        "summary-count": "/ResearchStudy?_summary=count&status=active",
        "total-estimate": "/ResearchStudy?_total=estimate&_count=1",
        "elements-unknown": "/ResearchStudy?_elements=title,notAnElement&_count=5",
        "unknown-param": "/ResearchStudy?unknown-param=1&_count=5",
        "count-capped": "/ResearchStudy?_count=1001&_summary=count",
        "identifier-http": "/ResearchStudy?identifier=http://clinicaltrials.gov|NCT00000000",
        "empty": "/ResearchStudy?_id=does-not-exist",
    }
    for name, path in searches.items():
        c.get(path, f"bundle/{name}")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    body = b"phase=phase-3&_count=5"
    c.get("/ResearchStudy/_search", "bundle/post-search", method="POST", body=body, headers=form)
    for regulation in REGULATIONS:  # reads: ten studies of each regulation, and their parts
        query = urllib.parse.urlencode({"category": regulation, "_count": "10"})
        _, bundle = c.get(f"/ResearchStudy?{query}", f"bundle/category-{regulation}")
        studies = matches(bundle)
        for study in studies:
            c.get(f"/ResearchStudy/{study['id']}", f"reads/ResearchStudy-{study['id']}")
        if studies:
            first = studies[0]
            version = first["meta"]["versionId"]
            c.get(f"/ResearchStudy/{first['id']}/_history/{version}", f"reads/vread-{first['id']}")
            for ref in sorted(set(REFERENCE.findall(json.dumps(first)))):
                c.get(f"/{ref}", "reads/" + ref.replace("/", "-"))
    errors = {
        "404-read": ("/ResearchStudy/does-not-exist-xyz", "GET", None, {}),
        "404-group": ("/Group/does-not-exist-xyz", "GET", None, {}),
        "404-type": ("/Patient/x", "GET", None, {}),
        "404-vread": (f"/ResearchStudy/{first['id']}/_history/999", "GET", None, {}),
        "400-count": ("/ResearchStudy?_count=abc", "GET", None, {}),
        "400-date": ("/ResearchStudy?_lastUpdated=notadate", "GET", None, {}),
        "400-include": ("/ResearchStudy?_include=ResearchStudy:site:Group", "GET", None, {}),
        "400-location-search": ("/Location?name=x", "GET", None, {}),
        "405-put": (f"/ResearchStudy/{first['id']}", "PUT", b"{}", {}),
        "406-format": ("/ResearchStudy?_format=xml", "GET", None, {}),
        "406-accept": ("/metadata", "GET", None, {"Accept": "application/fhir+xml"}),
        "415-json-body": (
            "/ResearchStudy/_search",
            "POST",
            b'{"status": "active"}',
            {"Content-Type": "application/fhir+json"},
        ),
    }
    for name, (path, method, data, headers) in errors.items():
        file = f"oo/OperationOutcome-{name}"
        status, _ = c.get(path, file, method=method, body=data, headers=headers)
        if str(status) != name[:3]:
            log(f"capture: {name} answered {status}")
    manifest = target.parent / f"{target.name}-manifest.json"
    manifest.write_text(json.dumps(c.manifest, indent=1) + "\n", encoding="utf-8")
    log(f"captured {len(c.manifest)} answers into {target}")
