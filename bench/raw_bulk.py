"""Raw OpenSearch's own bulk floor: the ingest's documents, pre-built, loaded with no Python work.

    python -m bench.raw_bulk [--set 19k] [--repeat 2] [--out bench/results/raw-bulk.json]

What a load costs the engine alone, and so what any ingest on the same cores can reach at
best. The ``ingestbench`` node (started if needed) gets the set loaded once by ``eclaire
ingest``; its documents are dumped as bulk NDJSON (var/bench/raw-bulk-SET.ndjson); then each
variant creates a fresh index from the template, with the load's settings (no refresh, no
replica), posts the NDJSON in 500-document requests over one keep-alive connection, and
force-merges and refreshes it as ``Loader.full_load`` does. Variants: the template as it is, and
the template with the index sort it had for a while (API-10). Recorded: bulk and merge seconds,
documents/s, the engine's CPU.
"""

from __future__ import annotations

import argparse
import http.client
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import datasets
from bench.common import (
    ECLAIRE,
    RESULTS,
    VAR,
    api_env,
    delete_versioned_indices,
    log,
    node,
    node_pid,
    proc_cpu_seconds,
    run_measured,
    write_json,
)
from devtools import localnode
from eclaire_core.templates import index_body

NODE = "ingestbench"
ALIAS = "eclaire-raw-bulk"
CHUNK = 500
INDEX_SORT = {
    "sort.field": ["last_updated", "id"],
    "sort.order": ["desc", "asc"],
    "sort.missing": ["_last", "_last"],
}


class Node:
    """A keep-alive HTTP connection to the node: the cheapest client there is."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        host = parts.hostname or "127.0.0.1"
        self.connection = http.client.HTTPConnection(host, parts.port, timeout=1800)

    def call(self, method: str, path: str, body: bytes | None = None) -> Any:
        kind = "application/x-ndjson" if path.endswith("_bulk") else "application/json"
        self.connection.request(method, path, body=body, headers={"Content-Type": kind})
        answer = self.connection.getresponse()
        data = answer.read()
        if answer.status >= 300 and not (method == "DELETE" and answer.status == 404):
            raise RuntimeError(f"{method} {path}: {answer.status} {data[:300]!r}")
        return json.loads(data) if data else None


def dump(url: str, set_name: str) -> Path:
    """The set's documents as bulk NDJSON, loaded once by the real ingest (validation off)."""
    target = VAR / f"raw-bulk-{set_name}.ndjson"
    if target.exists():
        return target
    delete_versioned_indices(url, ALIAS)
    env = api_env(url, ECLAIRE_VALIDATION="none", ECLAIRE_INDEX_ALIAS=ALIAS)
    status, *_ = run_measured(
        [ECLAIRE, "ingest", *datasets.files(datasets.ensure(set_name))],
        env,
        VAR / "logs" / f"raw-bulk-{set_name}.log",
    )
    assert status == 0, "the ingest that provides the documents failed"
    client = Node(url)
    page = client.call("POST", f"/{ALIAS}/_search?scroll=2m", b'{"size":1000,"sort":["_doc"]}')
    with open(target, "wb") as out:
        while page["hits"]["hits"]:
            for hit in page["hits"]["hits"]:
                head = {"index": {"_id": hit["_id"]}}
                source = json.dumps(hit["_source"], ensure_ascii=False, separators=(",", ":"))
                out.write(json.dumps(head).encode() + b"\n" + source.encode() + b"\n")
            scroll = {"scroll": "2m", "scroll_id": page["_scroll_id"]}
            page = client.call("POST", "/_search/scroll", json.dumps(scroll).encode())
    delete_versioned_indices(url, ALIAS)
    return target


def chunks(path: Path) -> list[bytes]:
    lines = path.read_bytes().split(b"\n")[:-1]
    pairs = [lines[i] + b"\n" + lines[i + 1] + b"\n" for i in range(0, len(lines), 2)]
    return [b"".join(pairs[i : i + CHUNK]) for i in range(0, len(pairs), CHUNK)]


def timed(url: str, engine: int, bodies: list[bytes], sort: bool) -> dict[str, Any]:
    client = Node(url)
    index = "raw-bulk-run"
    client.call("DELETE", f"/{index}")
    body = index_body()
    body["settings"]["index"].update({"refresh_interval": "-1", "number_of_replicas": 0})
    if sort:
        body["settings"]["index"].update(INDEX_SORT)
    client.call("PUT", f"/{index}", json.dumps(body).encode())
    cpu_before, started = proc_cpu_seconds(engine), time.perf_counter()
    documents = 0
    for chunk in bodies:
        answer = client.call("POST", f"/{index}/_bulk?filter_path=errors,items.*.status", chunk)
        assert not answer["errors"], "a document was refused"
        documents += len(answer["items"])
    bulk_done = time.perf_counter()
    client.call("PUT", f"/{index}/_settings", b'{"index":{"refresh_interval":"1s"}}')
    client.call("POST", f"/{index}/_forcemerge?max_num_segments=1")
    client.call("POST", f"/{index}/_refresh")
    ended = time.perf_counter()
    engine_cpu = proc_cpu_seconds(engine) - cpu_before
    client.call("DELETE", f"/{index}")
    result = {
        "index_sort": sort,
        "documents": documents,
        "bulk_seconds": round(bulk_done - started, 2),
        "merge_refresh_seconds": round(ended - bulk_done, 2),
        "documents_per_s": round(documents / (ended - started), 1),
        "engine_cpu_seconds": round(engine_cpu, 2),
    }
    log(f"raw bulk, index sort {sort}: {result}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.raw_bulk")
    parser.add_argument("--set", default="19k")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "raw-bulk.json")
    parser.add_argument("--keep-node", action="store_true", help="leave the node running")
    args = parser.parse_args(argv)
    target = node(NODE)
    localnode.start(target)
    engine = node_pid(target)
    assert engine is not None, "the ingestbench node has no pid file"
    try:
        bodies = chunks(dump(target.url, args.set))
        timed(target.url, engine, bodies, sort=False)  # warm-up: the JVM's first load
        runs = [
            timed(target.url, engine, bodies, sort)
            for _ in range(args.repeat)
            for sort in (False, True)
        ]
    finally:
        if not args.keep_node:
            localnode.stop(target)
    write_json(
        args.out,
        {
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "command": f"python -m bench.raw_bulk --set {args.set} --repeat {args.repeat}",
            "about": __doc__,
            "set": args.set,
            "runs": runs,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
