"""CPU of building and encoding one answer from the engine's reply: stored JSON strings
spliced with orjson.Fragment (now) against parsed dicts re-encoded (before issue 16).

    python -m bench.serialise_cost [--url http://127.0.0.1:9270] [--alias eclaire-studies]

Same hits both ways: the stored strings are parsed into the old shape for the "before" case.
Process CPU time (time.process_time), so a loaded machine slows both sides alike.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import httpx
import orjson

from eclaire_core import stored
from eclaire_search import query
from eclaire_search.bundle import searchset
from eclaire_search.search_request import parse_search


def cost(hits_json: bytes, request: Any, repeat: int) -> float:
    """ms of CPU per answer: parse the engine's reply, build the Bundle, encode it."""
    started = time.process_time()
    for _ in range(repeat):
        hits = orjson.loads(hits_json)
        bundle = searchset(
            base_url="http://x/R4", request=request, hits=hits, total=1, links={}, assigners={}
        )
        orjson.dumps(bundle)
    return (time.process_time() - started) * 1000 / repeat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serialise_cost")
    parser.add_argument("--url", default="http://127.0.0.1:9270")
    parser.add_argument("--alias", default="eclaire-studies")
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args(argv)
    out = {}
    for count, includes in ((20, ()), (100, ()), (20, ("*",))):
        items = [("_count", str(count)), *(("_include", i) for i in includes)]
        request = parse_search(items)
        body = query.search_body(request)
        reply = httpx.post(f"{args.url}/{args.alias}/_search", json=body, timeout=30)
        hits = reply.raise_for_status().json()["hits"]["hits"]
        old = [{**h, "_source": stored.decoded(h["_source"])} for h in hits]
        now_ms = cost(orjson.dumps(hits), request, args.repeat)
        old_ms = cost(orjson.dumps(old), request, args.repeat)
        name = f"{count} studies" + (" _include=*" if includes else "")
        out[name] = {"before_ms": round(old_ms, 3), "stored_ms": round(now_ms, 3)}
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
