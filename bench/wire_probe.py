"""Bytes on the wire per query kind, with and without compression, façade and raw (the
``make bench`` phase; ``bench/wire.py`` measures a served instance by hand).

One request per query kind of the plan (its first variant; the first page of the paging walk),
plus a read and a 100-study page, the two figures issue 16 compares with the reference
implementation (2.4 KB and 49 KB compressed). A read's size depends on the study, so the read
compared is the **median** over every study the plan reads (200, the same ones in every run of a
data set: ``bench.mix.all_ids``), per coding; the single read stays in the table. And, since the
reference's figure is one study's, the read of **the same study on both sides**: the reference
implementation's own test study (``DNUM-SocialGouv/eclaire``'s jest snapshot of its read,
``tests/data/production/reference``), compressed as its NestJS ``compression`` middleware sends
it (gzip at zlib's default level), against the façade's read of the document our ingest builds
from the same source record, put in an index of its own and read through a second façade (the
bench set has a synthetic study of that id, and the bench index stays as its load left it). Each
is sent with ``Accept-Encoding: identity`` and then with each coding the client can decode; the
count is the body as received (``num_bytes_downloaded``), with the ``Content-Encoding`` the
server chose.

    python -m bench.wire_probe PLAN.json --facade http://127.0.0.1:8089 [--raw http://127.0.0.1:9270]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.common import ROOT, VAR, ApiProcess
from bench.mix import search_pair

REFERENCE_BYTES = {"read_by_id": 2_400, "page_100": 49_000}  # issue 16, compressed, NestJS
REFERENCE = ROOT / "tests" / "data" / "production" / "reference"
REFERENCE_READ = REFERENCE / "ResearchStudy.json"  # its read of the study below (ORIGIN.md)
REFERENCE_RECORD = REFERENCE / "source-records" / "ctis.json"
NESTJS_GZIP_LEVEL = 6  # the `compression` middleware's default: zlib's Z_DEFAULT_COMPRESSION
SAME_STUDY_INDEX, SAME_STUDY_ALIAS = "wire-reference-study", "eclaire-wire-reference"


def offline(body: bytes) -> dict[str, dict[str, float]]:
    """What each coding and level would weigh for this body, and its CPU (ms): the choice a
    compression middleware faces, measured on the façade's own identity answers."""
    import gzip
    import time

    coders: dict[str, Any] = {
        "gzip-1": lambda b: gzip.compress(b, compresslevel=1),
        "gzip-6": lambda b: gzip.compress(b, compresslevel=6),
    }
    if find_spec("brotli"):
        import brotli

        coders["br-4"] = lambda b: brotli.compress(b, quality=4)
        coders["br-5"] = lambda b: brotli.compress(b, quality=5)
    if find_spec("zstandard"):
        import zstandard

        coders["zstd-3"] = lambda b: zstandard.ZstdCompressor(level=3).compress(b)
    out = {}
    for name, coder in coders.items():
        started = time.process_time()
        size = len(coder(body))
        out[name] = {"bytes": size, "cpu_ms": round((time.process_time() - started) * 1000, 2)}
    return out


def codings() -> list[str]:
    """identity, gzip, and br / zstd when httpx can decode them here."""
    found = ["identity", "gzip"]
    if find_spec("brotli") or find_spec("brotlicffi"):
        found.append("br")
    if find_spec("zstandard"):
        found.append("zstd")
    return found


def requests_of(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Query kind → {facade: request, raw: request} (one of each)."""
    out: dict[str, dict[str, Any]] = {}
    for query in plan["queries"]:
        if query.get("kind") == "paging":
            raw = {
                "method": "POST",
                "url": f"/{plan['alias']}/_search",
                "body": query["raw"]["body"],
            }
            out[query["name"]] = {"facade": {"method": "GET", **query["facade"]}, "raw": raw}
        else:
            out[query["name"]] = query["variants"][0]
    out["page_100"] = search_pair(plan["alias"], [("_count", "100")])
    return out


def measure(
    client: httpx.Client, base: str, request: dict[str, Any], coding: str
) -> dict[str, Any]:
    body = request.get("body")
    response = client.request(
        request["method"],
        base.rstrip("/") + request["url"],
        content=orjson.dumps(body) if body is not None else None,
        headers={
            "accept-encoding": coding,
            **({"content-type": "application/json"} if body is not None else {}),
        },
    )
    response.read()
    out: dict[str, Any] = {
        "status": response.status_code,
        "bytes": response.num_bytes_downloaded,
        "decoded_bytes": len(response.content),
        "content_encoding": response.headers.get("content-encoding", "identity"),
    }
    if coding == "identity" and response.status_code == 200:
        out["would_be"] = offline(response.content)
    return out


def median_reads(client: httpx.Client, facade: str, plan: dict[str, Any]) -> dict[str, Any]:
    """Median bytes of a read over every study the plan reads, per coding."""
    reads = next(q for q in plan["queries"] if q["name"] == "read_by_id")["variants"]
    out: dict[str, Any] = {}
    for coding in codings():
        sizes = [measure(client, facade, v["facade"], coding) for v in reads]
        ok = [m["bytes"] for m in sizes if m["status"] == 200]
        out[coding] = {
            "status": 200 if ok else None,
            "bytes": statistics.median(ok) if ok else None,
            "studies": len(ok),
            "content_encoding": sizes[0]["content_encoding"] if sizes else "identity",
        }
    return out


def same_study_read(client: httpx.Client, raw: str) -> dict[str, Any]:
    """The reference's read of its own test study against the façade's read of the same
    source record as our ingest maps it, served from an index of its own by a façade of its
    own (the bench index and its one segment stay as the load left them)."""
    from eclaire_core.meddra import MeddraTable
    from eclaire_core.templates import index_body
    from ingest.mapping import MappedStudy, to_fhir
    from ingest.prepared import prepare
    from ingest.versions import now_instant

    answer = REFERENCE_READ.read_bytes().strip()  # compact JSON, as Express's res.json sends it
    study = to_fhir(orjson.loads(REFERENCE_RECORD.read_bytes())[0], meddra=MeddraTable.load())
    assert isinstance(study, MappedStudy), "the reference's test record no longer maps"
    assert study.id == orjson.loads(answer)["id"], "the snapshot is another study's read"
    node = raw.rstrip("/")
    json_type = {"content-type": "application/json"}
    client.delete(f"{node}/{SAME_STUDY_INDEX}")  # a leftover of an interrupted run
    client.put(
        f"{node}/{SAME_STUDY_INDEX}",
        content=orjson.dumps({**index_body(), "aliases": {SAME_STUDY_ALIAS: {}}}),
        headers=json_type,
    ).raise_for_status()
    try:
        client.put(
            f"{node}/{SAME_STUDY_INDEX}/_doc/{study.id}",
            params={"refresh": "true"},
            content=prepare(study, None, now_instant(), full=True).document,
            headers=json_type,
        ).raise_for_status()
        env = {"ECLAIRE_INDEX_ALIAS": SAME_STUDY_ALIAS}
        with ApiProcess(raw, env_extra=env, log_path=VAR / "logs" / "api-same-study.log") as api:
            read = {"method": "GET", "url": f"/R4/ResearchStudy/{study.id}"}
            ours = {c: measure(client, api.url, read, c) for c in codings()}
    finally:
        client.delete(f"{node}/{SAME_STUDY_INDEX}").raise_for_status()
    return {
        "study": study.id,
        "reference": {
            "identity": len(answer),
            "gzip": len(gzip.compress(answer, compresslevel=NESTJS_GZIP_LEVEL)),
        },
        "facade": ours,
    }


def probe(
    plan: dict[str, Any], facade: str, raw: str | None, *, same_study: bool = True
) -> dict[str, Any]:
    """{kind: {facade: {coding: measure}, raw: {...}}} and the reference comparison;
    ``same_study``: also the reference's own study (on a façade of its own: ~3 s)."""
    table: dict[str, Any] = {}
    with httpx.Client(timeout=30.0) as client:
        for kind, pair in requests_of(plan).items():
            row: dict[str, Any] = {
                "facade": {c: measure(client, facade, pair["facade"], c) for c in codings()}
            }
            if raw:
                row["raw"] = {c: measure(client, raw, pair["raw"], c) for c in ("identity", "gzip")}
            table[kind] = row
        table["read_by_id"]["facade_median"] = median_reads(client, facade, plan)
        same = same_study_read(client, raw) if raw and same_study else None
    reference: dict[str, Any] = {}
    for kind, limit in REFERENCE_BYTES.items():
        compared = table[kind].get("facade_median") or table[kind]["facade"]
        best = min(
            (m["bytes"] for m in compared.values() if m["status"] == 200),
            default=None,
        )
        compressed = any(
            m["content_encoding"] != "identity" for m in table[kind]["facade"].values()
        )
        reference[kind] = {
            "measured": "median over the plan's reads" if kind == "read_by_id" else "one page",
            "reference_bytes": limit,
            "facade_best_bytes": best,
            "facade_compresses": compressed,
            "met": bool(compressed and best is not None and best <= limit),
        }
    if same is not None:
        best = min(m["bytes"] for m in same["facade"].values() if m["status"] == 200)
        compresses = any(m["content_encoding"] != "identity" for m in same["facade"].values())
        reference["read_same_study"] = {
            "measured": f"study {same['study']}: the reference's own read, and ours",
            "reference_bytes": same["reference"]["gzip"],
            "facade_best_bytes": best,
            "facade_compresses": compresses,
            "met": compresses and best <= same["reference"]["gzip"],
        }
        table["read_same_study"] = same
    return {"codings": codings(), "per_query": table, "reference": reference}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wire_probe")
    parser.add_argument("plan")
    parser.add_argument("--facade", required=True)
    parser.add_argument("--raw")
    args = parser.parse_args(argv)
    plan = orjson.loads(Path(args.plan).read_bytes())
    print(json.dumps(probe(plan, args.facade, args.raw), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
