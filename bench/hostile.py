"""Our own hostile corpus: requests a fuzzer of the schema would not think of.

Huge and repeated parameters, unicode (including invalid UTF-8 and NUL), query-syntax
injection aimed at OpenSearch, invalid dates, negative and huge ``_count``, forged and
tampered cursors, odd methods, bodies, headers and paths. Deterministic by seed. Every answer
must be a non-5xx, and every 4xx an OperationOutcome (``application/fhir+json``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

SEARCH = "/R4/ResearchStudy"
PARAMS = (
    "_id",
    "identifier",
    "status",
    "_lastUpdated",
    "_text",
    "_content",
    "title",
    "category",
    "phase",
    "recruitment-status",
    "condition",
    "condition:text",
    "location",
    "site-city",
    "site-postal-code",
    "age",
    "gender",
    "sponsor-name",
    "recruitment-date",
    "title:contains",
    "title:exact",
    "status:not",
    "site-city:contains",
    "_count",
    "_sort",
    "_include",
    "_summary",
    "_elements",
    "_total",
    "_format",
    "_pretty",
    "_cursor",
)
INJECTIONS = (
    '" OR *:*',
    "*:*",
    "title:*",
    "\\",
    "\\\\\\",
    "(((((((((",
    ")))))",
    "~~~~",
    "^10000",
    "a~100",
    "/.*/",
    "/[a-z]+{1000}/",
    '{"query":{"match_all":{}}}',
    '{"script":{"source":"System.exit(0)"}}',
    "doc['id'].value",
    "' OR '1'='1",
    "'; DROP TABLE studies; --",
    "<script>alert(1)</script>",
    "${jndi:ldap://127.0.0.1/a}",
    "{{7*7}}",
    "%00",
    "*",
    "?",
    "**********",
    "a*b?c\\*",
    '+-=&&||><!(){}[]^"~*?:\\/',
    "NOT NOT NOT",
    "| | | |",
    "-" * 200,
    '"' * 101,
    "AND OR NOT",
    "field:value AND _exists_:resource",
)
UNICODE = (
    "é",
    "cancer du sein 🎗️",
    "Saint-Étienne",
    "ÉTIENNE",
    "\u202eelif",  # RTL override
    "e\u0301",  # combining accent
    "日本語の試験",
    "بحث",
    "\U0001f600" * 50,
    "\ufeffstatus",
    "\u0000",
    "a\u0000b",
    "\ud7ff",
    "\uffff",
    "٣",  # Arabic-Indic digit three (isdigit() is true)
    "①",
    "Ⅻ",
    "ß" * 100,
    "İstanbul",
    "ǅ",
)
BAD_DATES = (
    "2024-13-01",
    "2024-02-30",
    "2023-02-29",
    "ge2024-00-10",
    "ge99999",
    "gt",
    "xx2024",
    "ge-2024",
    "ge0000",
    "ge0001-01-01",
    "le9999-12-31T23:59:59.999999999+14:00",
    "ge2024-01-01T25:00",
    "ge2024-01-01T10:61",
    "ge2024-01-01T10:00:00+25:00",
    "ge2024-01-01T10:00:00-99:99",
    "ap0001",
    "ap9999",
    "ge2024-01-01T10:00:00.1234567890123",
    "ge2024/01/01",
    "ge20240101",
    "ge2024-1-1",
    "eq" + "9" * 400,
    "ne2024-01-01,ne2024-02-01," * 20,
    "sa",
    "eb2024-01-01T00:00:00Z",
)
COUNTS = (
    "-1",
    "-0",
    "0",
    "1000",
    "1001",
    "99999999",
    "9" * 40,
    "1e9",
    "10.5",
    "0x10",
    " 5",
    "+5",
    "5,6",
    "٣",
    "NaN",
    "inf",
    "",
    "2147483648",
    "-2147483649",
)
NUMBERS = (
    "-5",
    "1e308",
    "NaN",
    "inf",
    "-inf",
    "999999999999999999999",
    "ge30",
    "ap30",
    "30.5.5",
    "",
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def forged_cursors(rng: random.Random, real: list[str]) -> list[str]:
    """Cursors that are not ours, tampered ones, and ones signed with a guessed key."""
    payload = json.dumps({"a": [1, "x"], "p": None, "b": False, "n": 1, "f": "0" * 16}).encode()
    found = [
        "",
        ".",
        "....",
        "abc",
        "abc.def",
        b64(payload),
        f"{b64(payload)}.{'0' * 32}",
        f"{b64(payload)}.{hmac.new(b'secret', payload, hashlib.sha256).hexdigest()[:32]}",
        f"{b64(b'not json')}.{'f' * 32}",
        f"{b64(b'[]')}.{'a' * 32}",
        b64(b"\xff\xfe\x00") + ".x",
        "!" * 300,
        "A" * 5000,
        f"{b64(json.dumps({'a': [None] * 1000}).encode())}.{'1' * 32}",
        "%%%",
        "\u00e9.\u00e9",
        b64(bytes(rng.getrandbits(8) for _ in range(96))),  # the shape of a sealed cursor
    ]
    for cursor in real:
        token, _, sig = cursor.partition(".")
        found += [
            cursor[:-1],
            cursor + "0",
            f"{token}x.{sig}",
            f"{token}.{sig[::-1]}",
            f"{sig}.{token}",
            cursor.upper(),
        ]
    rng.shuffle(found)
    return found


@dataclass(frozen=True)
class Probe:
    method: str
    url: str  # already encoded path + query
    category: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    stream: bool = False


def _q(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe=':')}={quote(v, safe='')}" for k, v in pairs)


def corpus(seed: int, count: int, real_cursors: list[str], study_ids: list[str]) -> Iterator[Probe]:
    """``count`` hostile requests, deterministic by seed."""
    rng = random.Random(seed)
    cursors = forged_cursors(rng, real_cursors)
    strings = [*INJECTIONS, *UNICODE]

    def huge() -> str:
        """A value whose encoded form is 2 KB to 60 KB: past any sane limit, yet still a URL
        the client can send (httpx refuses URLs over 64 KB)."""
        unit = rng.choice(["x", "é", "*", "(", "🎗️", "a b "])
        target = rng.choice((2_000, 9_000, 30_000, 60_000))
        return unit * max(1, target // len(quote(unit, safe="")))

    makers = []

    def injection() -> Probe:
        name = rng.choice(PARAMS)
        return Probe("GET", f"{SEARCH}?{_q([(name, rng.choice(strings))])}", "injection")

    def unicode_keys() -> Probe:
        pairs = [(rng.choice(UNICODE), rng.choice(strings)) for _ in range(rng.randint(1, 4))]
        return Probe("GET", f"{SEARCH}?{_q(pairs)}", "unicode")

    def raw_bytes() -> Probe:
        junk = rng.choice(("%ff%fe", "%ed%a0%80", "%c0%af", "%00", "%e2%82", "%%", "%zz", "%"))
        name = rng.choice(PARAMS)
        return Probe("GET", f"{SEARCH}?{quote(name)}={junk}abc{junk}", "invalid-utf8")

    def repeated() -> Probe:
        name = rng.choice(PARAMS)
        value = rng.choice(["active", "cancer", "ge2020", "10", "*", "x"])
        times = rng.choice((2, 50, 500, 3000))
        return Probe("GET", f"{SEARCH}?{_q([(name, value)] * times)}", "repeated")

    def many_params() -> Probe:
        pairs = [(f"p{i}", "x") for i in range(rng.choice((100, 1000, 4000)))]
        return Probe("GET", f"{SEARCH}?{_q(pairs)}", "many-params")

    def huge_value() -> Probe:
        return Probe("GET", f"{SEARCH}?{_q([(rng.choice(PARAMS), huge())])}", "huge")

    def commas() -> Probe:
        name = rng.choice(
            ("status", "_id", "identifier", "phase", "site-city", "age", "_lastUpdated")
        )
        values = ",".join(
            rng.choice(["active", "x", "", "\\,", "ge2020", "30"])
            for _ in range(rng.choice((101, 500, 2000)))
        )
        return Probe("GET", f"{SEARCH}?{_q([(name, values)])}", "or-list")

    def dates() -> Probe:
        name = rng.choice(("_lastUpdated", "recruitment-date"))
        pairs = [(name, rng.choice(BAD_DATES)) for _ in range(rng.randint(1, 3))]
        return Probe("GET", f"{SEARCH}?{_q(pairs)}", "dates")

    def counts() -> Probe:
        pairs = [("_count", rng.choice(COUNTS))]
        if rng.random() < 0.3:
            pairs.append(("_count", rng.choice(COUNTS)))
        if rng.random() < 0.3:
            pairs.append(("status", "active"))
        return Probe("GET", f"{SEARCH}?{_q(pairs)}", "count")

    def numbers() -> Probe:
        return Probe("GET", f"{SEARCH}?{_q([('age', rng.choice(NUMBERS))])}", "numbers")

    def cursor() -> Probe:
        pairs = [("_cursor", rng.choice(cursors))]
        if rng.random() < 0.5:
            pairs.insert(0, ("status", "active"))
        if rng.random() < 0.3:
            pairs.append(("_count", rng.choice(("10", "50", "0"))))
        return Probe("GET", f"{SEARCH}?{_q(pairs)}", "cursor")

    def result_params() -> Probe:
        name = rng.choice(
            ("_sort", "_include", "_summary", "_elements", "_total", "_format", "_pretty")
        )
        value = rng.choice(
            [*strings, "-_id", "title,-_lastUpdated", "_score", "*,*", "xml", "count", "true"]
        )
        return Probe("GET", f"{SEARCH}?{_q([(name, value)])}", "result-params")

    def reads() -> Probe:
        kind = rng.choice(
            (
                "ResearchStudy",
                "Group",
                "Location",
                "Organization",
                "Patient",
                "SearchParameter",
                "../..",
                "%2e%2e",
            )
        )
        ident = rng.choice(
            [
                *(s for s in study_ids[:5]),
                "x" * 65,
                "x" * 5000,
                "a%2Fb",
                "..",
                "%00",
                "é",
                f"{rng.choice(study_ids)}-99999999999999999999-site" if study_ids else "y-1-site",
                f"{rng.choice(study_ids)}-enrollment-group" if study_ids else "z-enrollment-group",
                "-primary-sponsor",
                "-1-site",
                "ansm",
            ]
        )
        suffix = rng.choice(
            ("", "?_format=xml", "?_format=%00", "?_pretty=maybe", "/_history", "/_history/1")
        )
        return Probe("GET", f"/R4/{kind}/{quote(ident, safe='%')}{suffix}", "reads")

    def methods() -> Probe:
        method = rng.choice(("POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE"))
        path = rng.choice(
            (
                SEARCH,
                f"{SEARCH}/x",
                "/R4/Group",
                "/api/statistics",
                "/api/facets",
                "/R4/metadata",
                "/R4",
                "/",
            )
        )
        body = rng.choice(
            (None, b"{}", b"\x00\xff", b'{"resourceType":"ResearchStudy"}', b"a=" + b"b" * 70_000)
        )
        return Probe(method, path, "methods", body=body)

    def post_search() -> Probe:
        body = rng.choice(
            (
                b"status=active",
                b"_text=" + quote(rng.choice(strings)).encode(),
                b"status=" + b"x" * 100_000,
                b"%ff%fe=%00",
                b"&&&&====",
                b'{"status":"active"}',
                b"a=" + b"&a=b" * 5000,
            )
        )
        ctype = rng.choice(
            (
                "application/x-www-form-urlencoded",
                "application/json",
                "multipart/form-data; boundary=x",
                "text/plain",
                "",
            )
        )
        headers = (("content-type", ctype),) if ctype else ()
        return Probe("POST", f"{SEARCH}/_search", "post-search", body=body, headers=headers)

    def headers() -> Probe:
        header = rng.choice(
            (
                ("prefer", "handling=strict"),
                ("prefer", "handling=" + "x" * 1000),
                ("accept", "application/fhir+xml"),
                ("if-none-match", 'W/"' + "9" * 100 + '"'),
                ("if-modified-since", "yesterday"),
                ("if-modified-since", "Mon, 99 Foo 99999 99:99:99 GMT"),
                ("x-forwarded-host", "evil.example"),
                ("host", "127.0.0.1:1"),
            )
        )
        target = rng.choice(
            (
                f"{SEARCH}?status=active&foo=bar",
                f"/R4/ResearchStudy/{study_ids[0] if study_ids else 'x'}",
            )
        )
        return Probe("GET", target, "headers", headers=(header,))

    def api_routes() -> Probe:
        path = rng.choice(
            (
                "/api/facets",
                "/api/export.ndjson",
                "/api/export.csv",
                "/api/export.xml",
                "/api/statistics",
                "/api/version",
            )
        )
        pairs: list[tuple[str, str]] = []
        if "facets" in path:
            pairs.append(
                (
                    "fields",
                    rng.choice(("", "nope", "status," * 300, "status", "site-city,phase", "é")),
                )
            )
            pairs.append(("size", rng.choice(("-1", "0", "201", "9" * 30, "10", "x"))))
        if "export" in path:
            # an invalid filter must fail before streaming; a valid one is read only briefly
            pairs.append(
                (rng.choice(PARAMS), rng.choice([*BAD_DATES[:5], *COUNTS[:5], *INJECTIONS[:8]]))
            )
        if rng.random() < 0.4:
            pairs.append((rng.choice(PARAMS), rng.choice(strings)))
        return Probe("GET", f"{path}?{_q(pairs)}", "api", stream="export" in path)

    def paths() -> Probe:
        path = rng.choice(
            (
                "/R4/ResearchStudy/" + "a/" * 200,
                "/" + "x" * 9000,
                "/R4//ResearchStudy",
                "/R4/ResearchStudy/%2e%2e/%2e%2e/etc/passwd",
                "/R4/ResearchStudy/_history",
                "/R4/metadata?_format=xml",
                "/R4/metadata?_format=" + "j" * 600,
                "/api/export.ndjson/../statistics",
                "/openapi.json?x=" + "y" * 3000,
                "/ready?x=1",
                "/R4/ResearchStudy?" + "&" * 5000,
                "/R4/ResearchStudy?=",
                "/R4/ResearchStudy?==&=&&",
                "/R4/%ff",
            )
        )
        return Probe("GET", path, "paths")

    makers = [
        (injection, 14),
        (unicode_keys, 6),
        (raw_bytes, 5),
        (repeated, 5),
        (many_params, 2),
        (huge_value, 4),
        (commas, 4),
        (dates, 10),
        (counts, 8),
        (numbers, 4),
        (cursor, 10),
        (result_params, 6),
        (reads, 8),
        (methods, 5),
        (post_search, 4),
        (headers, 3),
        (api_routes, 5),
        (paths, 3),
    ]
    functions = [m for m, _ in makers]
    weights = [w for _, w in makers]
    for _ in range(count):
        yield rng.choices(functions, weights=weights)[0]()


@dataclass
class Verdicts:
    requests: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, dict[str, int]] = field(default_factory=dict)
    server_errors: int = 0
    # "status diagnostics" -> count and one example: what each kind of 5xx was
    server_error_kinds: dict[str, dict[str, Any]] = field(default_factory=dict)
    client_errors_not_outcome: int = 0
    transport_errors: int = 0
    # who answered the 4xx that were not OperationOutcome: uvicorn's HTTP parser (before the
    # app sees the request) or the app itself
    not_outcome_by_cause: dict[str, int] = field(default_factory=dict)
    not_sent: dict[str, int] = field(default_factory=dict)  # refused by the client itself
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def sample(self, kind: str, probe: Probe, status: int, text: str) -> None:
        found = self.samples.setdefault(kind, [])
        if len(found) < 8:
            found.append(
                {
                    "method": probe.method,
                    "url": probe.url[:300],
                    "category": probe.category,
                    "status": status,
                    "body": text[:300],
                }
            )

    def record(self, probe: Probe, status: int, content_type: str, text: str) -> None:
        self.requests += 1
        self.by_status[str(status)] = self.by_status.get(str(status), 0) + 1
        per = self.by_category.setdefault(probe.category, {})
        per[str(status)] = per.get(str(status), 0) + 1
        if status == 0:
            self.transport_errors += 1
            self.sample("transport_error", probe, status, text)
        elif status >= 500:
            self.server_errors += 1
            self.sample("server_error", probe, status, text)
            try:
                issue = json.loads(text)["issue"][0]
                diagnostics = str(issue.get("diagnostics", ""))[:100]
            except (ValueError, KeyError, IndexError, TypeError):
                diagnostics = text[:100]
            kind = self.server_error_kinds.setdefault(
                f"{status} {diagnostics}", {"count": 0, "example": probe.url[:200]}
            )
            kind["count"] += 1
        elif status >= 400 and not is_outcome(content_type, text, probe.method):
            self.client_errors_not_outcome += 1
            cause = "uvicorn-http-parser" if "Invalid HTTP request" in text else "app"
            self.not_outcome_by_cause[cause] = self.not_outcome_by_cause.get(cause, 0) + 1
            self.sample(f"4xx_not_operation_outcome ({cause})", probe, status, text)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def is_outcome(content_type: str, text: str, method: str) -> bool:
    if method == "HEAD":  # no body by definition; the content type must still say FHIR
        return "fhir+json" in content_type
    try:
        return (
            "fhir+json" in content_type
            and json.loads(text).get("resourceType") == "OperationOutcome"
        )
    except ValueError:
        return False


async def fire(base: str, probes: list[Probe], concurrency: int, deadline: float) -> Verdicts:
    verdicts = Verdicts()
    queue = iter(probes)
    async with httpx.AsyncClient(base_url=base, timeout=15.0) as client:

        async def send(probe: Probe, last: bool) -> bool:
            """True once the probe has a verdict; False asks for one retry (a keep-alive
            connection the server had just closed is a client race, not a finding)."""
            try:
                request = client.build_request(
                    probe.method, probe.url, content=probe.body, headers=dict(probe.headers)
                )
                # keep the URL bytes exactly as written (invalid escapes included)
                if "%" in probe.url:
                    request.url = httpx.URL(base + probe.url)
                response = await client.send(request, stream=True)
                try:
                    if probe.stream and response.status_code == 200:
                        async for _ in response.aiter_bytes():
                            break  # the stream started: that is all we check
                        text = ""
                    else:
                        text = (await response.aread()).decode("utf-8", "replace")
                finally:
                    await response.aclose()
            except httpx.InvalidURL as exc:  # never sent: the client refused to build it
                verdicts.not_sent[str(exc)] = verdicts.not_sent.get(str(exc), 0) + 1
                return True
            except (httpx.TransportError, UnicodeError, ValueError) as exc:
                if not last:
                    return False
                verdicts.record(probe, 0, "", f"{exc.__class__.__name__}: {exc}")
                return True
            verdicts.record(
                probe, response.status_code, response.headers.get("content-type", ""), text
            )
            return True

        async def worker() -> None:
            for probe in queue:
                if time.monotonic() > deadline:
                    return
                if not await send(probe, last=False):
                    await send(probe, last=True)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return verdicts
