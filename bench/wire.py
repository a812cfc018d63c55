"""Bytes on the wire per query kind, by encoding, and what compressing them costs.

``python -m bench.wire [BASE]`` (default http://127.0.0.1:8080, a served instance with data):
for each query kind, the body size the API sends with ``Accept-Encoding`` identity, gzip, br
and zstd, and the CPU milliseconds the app's own levels take to compress the identity body
(median of 5, in this process: the server spends the same on one of its cores).
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from collections.abc import Callable

import brotli
import httpx
import zstandard

from eclaire_search.app import BROTLI_QUALITY, GZIP_LEVEL, ZSTD_LEVEL

KINDS = {
    "read": "/R4/ResearchStudy/{id}",
    "search 20": "/R4/ResearchStudy?status=active",
    "page 100": "/R4/ResearchStudy?_count=100",
    "page 100 _include=*": "/R4/ResearchStudy?_count=100&_include=*",
    "statistics": "/api/statistics",
}
CODECS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda b: gzip.compress(b, GZIP_LEVEL),
    "br": lambda b: brotli.compress(b, quality=BROTLI_QUALITY),
    "zstd": lambda b: zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(b),
}


def wire_bytes(client: httpx.Client, url: str, encoding: str) -> int:
    with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as response:
        response.raise_for_status()
        return sum(len(chunk) for chunk in response.iter_raw())


def cost_ms(codec: Callable[[bytes], bytes], body: bytes) -> float:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        codec(body)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(base: str) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        first = client.get("/R4/ResearchStudy?_count=1").json()["entry"][0]["resource"]["id"]
        print(f"{'kind':22} {'identity':>10} " + " ".join(f"{c:>16}" for c in CODECS))
        for kind, template in KINDS.items():
            url = template.format(id=first)
            body = client.get(url, headers={"Accept-Encoding": "identity"}).content
            cells = [
                f"{wire_bytes(client, url, name):>8} {cost_ms(codec, body):5.1f}ms"
                for name, codec in CODECS.items()
            ]
            print(f"{kind:22} {len(body):>10} " + " ".join(f"{c:>16}" for c in cells))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
