"""``eclaire serve`` from outside: worker checks, next links across two workers, JSON logs,
metrics summed over workers, and the limits uvicorn applies to hostile headers and slow
clients (issue 12 item 6, issue 15 items 4-5). Each test starts its own server on a free port.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
from studies_fixture import Loaded

from eclaire_core.settings import Settings
from eclaire_search.serving import (
    MISSING_SECRET_STATUS,
    GuardedHttpToolsProtocol,
    HeadWithBody,
    uvicorn_options,
)

ECLAIRE = str(Path(sys.executable).with_name("eclaire"))
START_WAIT = 120.0  # seconds; a busy 2-core machine can be slow to import and spawn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(loaded: Loaded, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECLAIRE_", "PROMETHEUS"))}
    env.update(
        ECLAIRE_OPENSEARCH_URL=loaded.settings.opensearch_url,
        ECLAIRE_INDEX_ALIAS=loaded.settings.index_alias,
        ECLAIRE_DATA_DIR=str(loaded.settings.data_dir),
        ECLAIRE_OPENSEARCH_TIMEOUT="10",
        **extra,
    )
    return env


@contextmanager
def serving(
    loaded: Loaded, log: Path, workers: int = 1, **extra: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A served instance with the served defaults (loopback Host on its port only)."""
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [ECLAIRE, "serve", "--port", str(port), "--workers", str(workers)],
            env=server_env(loaded, **extra),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_WAIT
            while True:
                assert process.poll() is None, log.read_text()
                try:
                    if httpx.get(f"{base}/ready", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
            yield base, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def json_lines(log: Path) -> list[dict[str, Any]]:
    """Every complete line, each of which must be a JSON object (a line being written is left)."""
    text = log.read_text()
    complete = text[: text.rfind("\n") + 1]
    return [json.loads(line) for line in complete.splitlines() if line.strip()]


def test_workers_without_secret_refuse_to_start(loaded: Loaded) -> None:
    result = subprocess.run(
        [ECLAIRE, "serve", "--port", str(free_port()), "--workers", "2"],
        env=server_env(loaded),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == MISSING_SECRET_STATUS
    assert result.stderr.startswith("eclaire serve: --workers 2 needs ECLAIRE_CURSOR_SECRET")
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback


def test_next_links_across_two_workers(loaded: Loaded, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    secret = {"ECLAIRE_CURSOR_SECRET": "a-shared-secret-for-this-test"}
    with serving(loaded, log, workers=2, **secret) as (base, _):
        pages, crossed = 0, False
        for _walk in range(30):  # fresh connections, so the kernel spreads them over workers
            url: str | None = f"{base}/R4/ResearchStudy?_count=2&_sort=_id"
            ids: list[str] = []
            request_ids: list[str] = []
            while url:
                response = httpx.get(url, timeout=30, headers={"Connection": "close"})
                pages += 1
                assert response.status_code == 200, response.text
                request_ids.append(response.headers["x-request-id"])
                bundle = response.json()
                ids += [e["resource"]["id"] for e in bundle.get("entry", [])]
                url = next((x["url"] for x in bundle["link"] if x["relation"] == "next"), None)
                assert url is None or url.startswith(f"{base}/R4/")
            assert len(ids) == len(set(ids)) == len(loaded.expected)
            deadline = time.monotonic() + 30  # the workers' log lines of this walk
            while True:
                pid_of = {line.get("request_id"): line["pid"] for line in json_lines(log)}
                if all(r in pid_of for r in request_ids) or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            # a cursor signed by one worker was accepted by the other
            if len({pid_of[r] for r in request_ids if r in pid_of}) >= 2:
                crossed = True
                break
        assert crossed, "no walk had its pages served by both workers"
        metrics = httpx.get(f"{base}/metrics", timeout=30).text
        counts = [
            float(line.rsplit(" ", 1)[1])
            for line in metrics.splitlines()
            if line.startswith("eclaire_requests_total{")
            and 'route="/R4/ResearchStudy"' in line
            and 'status="200"' in line
        ]
        assert sum(counts) == pages  # every worker's pages are counted, whoever answers
    access = [line for line in json_lines(log) if line.get("logger") == "eclaire_search.access"]
    assert access and all(len(line["request_id"]) == 32 for line in access)
    assert {"method", "route", "status", "latency_ms", "opensearch_ms", "results"} <= set(access[0])


def raw_exchange(base: str, payload: bytes, wait: float = 60.0) -> bytes:
    """Send raw bytes, return what the server answered before closing (b"" if nothing)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        with suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(payload)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
    return b"".join(chunks)


def test_hostile_headers_and_slow_clients(loaded: Loaded, tmp_path: Path) -> None:
    with serving(loaded, tmp_path / "serve.log", ECLAIRE_HEADER_TIMEOUT="2") as (base, _):
        start = b"GET /R4/metadata HTTP/1.1\r\nHost: " + base[7:].encode() + b"\r\n"
        close = b"Connection: close\r\n\r\n"
        normal = raw_exchange(base, start + close)
        assert normal.startswith(b"HTTP/1.1 200")
        # the limit (32 KiB by default) is on the head's bytes: just under passes, just over not
        under = raw_exchange(base, start + b"X-Pad: " + b"a" * 30_000 + b"\r\n" + close)
        assert under.startswith(b"HTTP/1.1 200")
        over = raw_exchange(base, start + b"X-Pad: " + b"a" * 33_000 + b"\r\n" + close)
        assert over.startswith(b"HTTP/1.1 400") and b"OperationOutcome" in over
        huge = start + b"X-Big: " + b"a" * (16 * 1024 * 1024) + b"\r\n\r\n"
        assert not raw_exchange(base, huge).startswith(b"HTTP/1.1 200")
        many = start + b"".join(b"X-%d: 1\r\n" % i for i in range(100_000)) + b"\r\n"
        refused = raw_exchange(base, many)
        assert not refused.startswith(b"HTTP/1.1 200")
        if refused:  # answered before the connection dropped: an OperationOutcome, not cached
            assert refused.startswith(b"HTTP/1.1 400") and b"OperationOutcome" in refused
            assert b"cache-control: no-store" in refused.lower()
        # half-sent headers: the server closes the connection by itself, without answering
        assert raw_exchange(base, start) == b""
        evil = raw_exchange(base, b"GET /R4/metadata HTTP/1.1\r\nHost: evil.example\r\n\r\n")
        assert evil.startswith(b"HTTP/1.1 400") and b"evil.example" not in evil
        assert b"cache-control: no-store" in evil.lower()
        assert httpx.get(f"{base}/R4/metadata", timeout=30).status_code == 200


def test_uvicorn_options_follow_the_settings() -> None:
    settings = Settings(
        max_header_bytes=12345, limit_concurrency=7, keep_alive_timeout=3, header_timeout=4
    )
    options = uvicorn_options(settings, "127.0.0.1", 8082, 1)
    assert options["http"] is GuardedHttpToolsProtocol
    assert options["limit_concurrency"] == 7
    assert options["timeout_keep_alive"] == 3
    assert options["proxy_headers"] is False  # the app decides from ECLAIRE_TRUSTED_PROXIES
    assert options["access_log"] is False


def held_requests(base: str, count: int) -> list[socket.socket]:
    """``count`` requests under way: headers sent, a declared body never sent."""
    host, port = base.removeprefix("http://").split(":")
    head = (
        f"POST /R4/ResearchStudy/_search HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 50\r\n\r\n"
    ).encode()
    held = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=30)
        sock.sendall(head)
        held.append(sock)
    return held


def test_concurrency_cap_answers_an_operation_outcome(loaded: Loaded, tmp_path: Path) -> None:
    with serving(
        loaded, tmp_path / "serve.log", ECLAIRE_LIMIT_CONCURRENCY="3", ECLAIRE_HEADER_TIMEOUT="60"
    ) as (base, _):
        held = held_requests(base, 3)
        try:
            deadline = time.monotonic() + 60  # until the server has started all three
            while (busy := httpx.get(f"{base}/R4/metadata", timeout=30)).status_code == 200:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        finally:
            for sock in held:
                sock.close()
        assert busy.status_code == 503
        assert busy.json()["resourceType"] == "OperationOutcome"
        assert busy.headers["cache-control"] == "no-store"
        assert busy.headers["retry-after"] == "1"
        deadline = time.monotonic() + 60  # the server notices the closed sockets
        while (ok := httpx.get(f"{base}/R4/metadata", timeout=30)).status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert ok.status_code == 200


def test_connections_sending_headers_do_not_count(loaded: Loaded, tmp_path: Path) -> None:
    """Slowloris regression (bench/attacks.py slow_headers): more half-sent header blocks than
    the cap must not turn a real request into a 503; the header deadline deals with them."""
    with serving(
        loaded, tmp_path / "serve.log", ECLAIRE_LIMIT_CONCURRENCY="3", ECLAIRE_HEADER_TIMEOUT="60"
    ) as (base, _):
        host, port = base.removeprefix("http://").split(":")
        slow = [socket.create_connection((host, int(port)), timeout=30) for _ in range(6)]
        try:
            for sock in slow:
                sock.sendall(b"GET /R4/metadata HTTP/1.1\r\nHost: " + host.encode())
            answers = [httpx.get(f"{base}/R4/metadata", timeout=30) for _ in range(3)]
        finally:
            for sock in slow:
                sock.close()
        assert [a.status_code for a in answers] == [200, 200, 200]


def more(sock: socket.socket) -> bytes:
    """The next bytes; a closed connection fails the test instead of looping on b""."""
    chunk = sock.recv(65536)
    assert chunk, "the server closed the connection before the answer was complete"
    return chunk


def read_answer(sock: socket.socket) -> tuple[bytes, bytes]:
    """One HTTP/1.1 answer with a Content-Length off ``sock``: (head, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += more(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += more(sock)
    return head, body


def test_head_leaves_with_the_body_on_one_connection(loaded: Loaded, tmp_path: Path) -> None:
    """Holding the response head until the body (``HeadWithBody``) holds back nothing that has
    no body or that the client waits for: a HEAD answer, a ``100 Continue``, the next answer on
    the same keep-alive connection."""
    with serving(loaded, tmp_path / "serve.log") as (base, _):
        host = base[7:].encode()
        host_name, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host_name, int(port)), timeout=30) as sock:
            get = b"GET /R4/metadata HTTP/1.1\r\nHost: " + host + b"\r\n\r\n"
            sock.sendall(get)
            head, body = read_answer(sock)
            assert head.startswith(b"HTTP/1.1 200") and b'"CapabilityStatement"' in body
            sock.sendall(b"HEAD /R4/metadata HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
            data = b""
            while b"\r\n\r\n" not in data:
                data += more(sock)
            assert data.startswith(b"HTTP/1.1 200") and data.endswith(b"\r\n\r\n")
            form = b"status=active&_count=1"
            sock.sendall(
                b"POST /R4/ResearchStudy/_search HTTP/1.1\r\nHost: " + host + b"\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(form)
            )
            assert sock.recv(65536).startswith(b"HTTP/1.1 100")  # not held behind the answer
            sock.sendall(form)
            head, body = read_answer(sock)
            assert head.startswith(b"HTTP/1.1 200") and b'"searchset"' in body
            sock.sendall(get)  # the connection still serves, after all three
            head, body = read_answer(sock)
            assert head.startswith(b"HTTP/1.1 200") and b'"CapabilityStatement"' in body
            # pipelined: the HEAD answer's head is flushed by its own cycle, not the next one's
            sock.sendall(b"HEAD /R4/metadata HTTP/1.1\r\nHost: " + host + b"\r\n\r\n" + get)
            data = b""
            while data.count(b"HTTP/1.1 200") < 2 or b'"CapabilityStatement"' not in data:
                data += more(sock)
            assert data.startswith(b"HTTP/1.1 200")
        upgrade = raw_exchange(
            base,
            b"GET /R4/metadata HTTP/1.1\r\nHost: " + host + b"\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            b"Sec-WebSocket-Version: 13\r\n\r\n",
            wait=30,
        )
        # an upgrade makes no cycle: it takes uvicorn's websocket path as before (403, the app
        # has no websocket route), not a parser error from wrapping a cycle that is not there
        assert upgrade.startswith(b"HTTP/1.1 403")


class RecordingTransport:
    def __init__(self) -> None:
        self.sent: list[tuple[str, list[bytes]]] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.sent.append(("write", [data]))

    def writelines(self, data: list[bytes]) -> None:
        self.sent.append(("writelines", list(data)))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


class Cycle:
    response_started = False


def test_head_with_body_sends_both_in_one_call() -> None:
    transport, cycle = RecordingTransport(), Cycle()
    held = HeadWithBody(transport, cycle)  # type: ignore[arg-type]
    held.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # before the answer starts: at once
    assert transport.sent == [("write", [b"HTTP/1.1 100 Continue\r\n\r\n"])]
    cycle.response_started = True
    held.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    assert len(transport.sent) == 1  # the head waits for the body
    held.write(b"{}")
    assert transport.sent[1] == (
        "writelines",
        [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n", b"{}"],
    )
    held.write(b"more")  # later chunks of a stream go as they come
    assert transport.sent[2] == ("write", [b"more"])
    assert not held.is_closing()  # the rest is the transport's own


def test_head_with_body_flushes_a_head_without_body() -> None:
    for end in ("flush", "close"):
        transport, cycle = RecordingTransport(), Cycle()
        cycle.response_started = True
        held = HeadWithBody(transport, cycle)  # type: ignore[arg-type]
        held.write(b"HTTP/1.1 200 OK\r\n\r\n")  # a HEAD answer: no body write follows
        getattr(held, end)()
        assert transport.sent == [("writelines", [b"HTTP/1.1 200 OK\r\n\r\n", b""])]
        assert transport.closed == (end == "close")
