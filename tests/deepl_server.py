"""A small DeepL-compatible server for the tests: the real service cannot be reached here.

It answers ``POST /v2/translate`` (JSON body, as the official client sends it, or a form body
with repeated ``text`` fields, as curl users do) and ``GET /v2/usage``; checks the
``Authorization: DeepL-Auth-Key …`` header (403 otherwise); "translates" deterministically
(a tiny English → French dictionary and a ``[FR]`` marker, so a test can tell a translation
from an original); keeps a character quota and answers 456 once a request would exceed it;
can be told to answer the next requests with given statuses (429, 500…); and counts every
request and character it receives.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

MARKER = "[FR] "
WORDS = {
    "a phase iii study of": "une étude de phase III de",
    "a phase ii study of": "une étude de phase II de",
    "breast cancer": "cancer du sein",
    "lung cancer": "cancer du poumon",
    "study": "étude",
    "adults": "adultes",
    "in": "chez",
    "with": "avec",
    "patients": "patients",
    "oncology": "oncologie",
    "pregnancy": "grossesse",
}
_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def fake_translate(text: str) -> str:
    """Deterministic stand-in: dictionary phrases replaced, the rest lower-cased, marked."""
    return MARKER + _PATTERN.sub(lambda m: WORDS[m.group(1).lower()], text.lower())


@dataclass
class Counters:
    requests: int = 0
    characters_received: int = 0
    characters_billed: int = 0
    sizes: list[int] = field(default_factory=list)  # characters of each translate request
    texts: list[int] = field(default_factory=list)  # texts in each translate request
    rejected: dict[int, int] = field(default_factory=dict)
    bodies: list[dict[str, Any]] = field(default_factory=list)


class FakeDeepL:
    """``with FakeDeepL(key, quota=…) as server:`` then point the client at ``server.url``."""

    def __init__(self, auth_key: str, *, quota: int = 10_000_000, port: int = 0) -> None:
        self.auth_key = auth_key
        self.quota = quota
        self.counters = Counters()
        self.used = 0  # characters counted against the quota, across counter resets
        self.fail_next: list[int] = []  # statuses for the next translate requests
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeDeepL:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def reset_counters(self) -> None:
        with self._lock:
            self.counters = Counters()

    def translate(self, headers: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The answer to one ``/v2/translate`` request (status, JSON)."""
        texts = body.get("text") or []
        texts = [texts] if isinstance(texts, str) else list(texts)
        size = sum(len(t) for t in texts)
        with self._lock:
            c = self.counters
            c.requests += 1
            c.characters_received += size
            c.sizes.append(size)
            c.texts.append(len(texts))
            c.bodies.append({k: v for k, v in body.items() if k != "text"})
            if headers.get("Authorization") != f"DeepL-Auth-Key {self.auth_key}":
                return self._reject(403, "Authorization failure")
            if self.fail_next:
                return self._reject(self.fail_next.pop(0), "Injected failure")
            if not texts or not body.get("target_lang"):
                return self._reject(400, "Parameter 'text' and 'target_lang' are required")
            if self.used + size > self.quota:
                return self._reject(456, "Quota exceeded")
            self.used += size
            c.characters_billed += size
        translations = [
            {
                "detected_source_language": "EN",
                "text": fake_translate(t),
                "billed_characters": len(t),
            }
            for t in texts
        ]
        return 200, {"translations": translations}

    def _reject(self, status: int, message: str) -> tuple[int, dict[str, Any]]:
        self.counters.rejected[status] = self.counters.rejected.get(status, 0) + 1
        return status, {"message": message}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet in test output
                pass

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> dict[str, Any]:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    parsed = json.loads(raw or b"{}")
                    return parsed if isinstance(parsed, dict) else {}
                form = parse_qs(raw.decode(), keep_blank_values=True)
                return {k: (v if k == "text" else v[0]) for k, v in form.items()}

            def do_POST(self) -> None:
                if self.path.split("?")[0] != "/v2/translate":
                    self._send(404, {"message": "Not found"})
                    return
                self._send(*fake.translate(self.headers, self._body()))

            def do_GET(self) -> None:
                if self.path.split("?")[0] != "/v2/usage":
                    self._send(404, {"message": "Not found"})
                    return
                with fake._lock:
                    used = fake.used
                self._send(200, {"character_count": used, "character_limit": fake.quota})

        return Handler


def main() -> None:
    """``python tests/deepl_server.py KEY [PORT] [QUOTA]``: serve until interrupted (by hand)."""
    import sys
    import time

    key = sys.argv[1] if len(sys.argv) > 1 else "local-key:fx"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    quota = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000_000
    fake = FakeDeepL(key, quota=quota, port=port)
    with fake:
        print(f"DeepL-compatible test server on {fake.url} (key {key})", flush=True)
        try:
            while True:
                time.sleep(5)
                c = fake.counters
                print(f"requests {c.requests} characters {c.characters_received}", flush=True)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
