"""Relevance benchmark: judged queries → nDCG@10, recall@100, zero results, CTIS reach.

    python -m bench.relevance [--data var/relevance] [--url URL --alias A --no-load]

By default it generates the 19k data set (seed 42) into ``--data`` if absent, starts the
harness's own ``bench`` node, loads the data under its own alias, and asks the API in process
(the same ``create_app`` the server runs) every query of :mod:`bench.relevance_queries` as the
portal does (``_content``, the city as ``site-city``). Grades come from the generator's
``study_topics.ndjson``, never from the index. Writes ``bench/results/relevance.json``.

- nDCG@10 (and @100) with gains 2^grade - 1, the ideal ranking over every judged study;
- recall@100: judged studies in the first 100 over min(100, judged studies), so a query with
  800 relevant studies can score 1;
- zero-result queries, each said with whether its topic exists in the data;
- CTIS reach, for French disease queries: share of the disease's CTIS trials (English text,
  untranslated here) the query finds at all (``category=REG536``, up to 1,000);
- the same queries with the search as it was before issue 14 (every word required in title
  and labels, no synonyms, no typos), on the same index, as a baseline.
Also ``relevance.md``, the per-query table.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from bench.relevance_queries import QUERIES, Judged
from devtools import localnode
from eclaire_core.opensearch import sync_client
from eclaire_core.settings import Settings
from eclaire_search.app import create_app
from ingest.generator import generate

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "relevance.json"
FILES = {
    "export_eclaire_ctis.json": "numero_ctis",
    "export_eclaire_dm-dmdiv.json": "numero_national",
    "export_eclaire_jarde.json": "numero_national",
}
GOAL_NDCG = 0.85


class Truth:
    """Disease, CTIS membership and site cities of every published study, from the exports."""

    def __init__(self, data: Path) -> None:
        lines = (data / "study_topics.ndjson").read_text("utf-8").splitlines()
        rows = list(map(json.loads, lines))
        self.disease = {row["id"]: row["disease"] for row in rows}
        self.condition = {row["id"]: row["condition"].lower() for row in rows}
        self.ctis: set[str] = set()
        self.cities: dict[str, set[str]] = {}
        for name, key in FILES.items():
            for record in json.loads((data / name).read_text("utf-8")):
                number = record[key]
                if number not in self.disease:
                    continue
                if name.endswith("ctis.json"):
                    self.ctis.add(number)
                sites = record["sites_investigateurs"] or []
                self.cities[number] = {s["ville"] for s in sites if s.get("ville")}

    def grade(self, query: Judged, study: str) -> int:
        grade = query.grades.get(self.disease.get(study, ""), 0)
        if query.city and query.city not in self.cities.get(study, set()):
            return 0
        if grade and any(p in self.condition[study] for p in query.prefer):
            grade += 1
        return grade

    def judged(self, query: Judged) -> dict[str, int]:
        out = {}
        for study in self.disease:
            if grade := self.grade(query, study):
                out[study] = grade
        return out


def dcg(grades: Iterable[int]) -> float:
    return float(sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades)))


def ndcg_at(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    return dcg(judged.get(s, 0) for s in ranked[:k]) / ideal if ideal else 0.0


def recall_at(ranked: list[str], judged: dict[str, int], k: int = 100) -> float:
    if not judged:
        return 0.0
    return sum(1 for s in ranked[:k] if s in judged) / min(k, len(judged))


def ids(bundle: dict[str, Any]) -> list[str]:
    return [
        e["resource"]["id"]
        for e in bundle.get("entry", [])
        if e["resource"]["resourceType"] == "ResearchStudy"
    ]


def search(client: TestClient, params: dict[str, str]) -> dict[str, Any]:
    response = client.get("/R4/ResearchStudy", params=params)
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def measure(client: TestClient, truth: Truth, query: Judged) -> dict[str, Any]:
    params = {query.param: query.text, "_count": "100", **query.extra}
    if query.city:
        params["site-city"] = query.city
    bundle = search(client, params)
    ranked = ids(bundle)
    judged = truth.judged(query)
    row: dict[str, Any] = {
        "query": query.text,
        "kind": query.kind,
        "city": query.city,
        "total": bundle.get("total"),
        "relevant": len(judged),
        "ndcg@10": round(ndcg_at(ranked, judged), 4),
        "ndcg@100": round(ndcg_at(ranked, judged, 100), 4),
        "recall@100": round(recall_at(ranked, judged), 4),
        "top10_recruiting": sum(1 for e in bundle.get("entry", [])[:10] if _recruiting(e)),
    }
    if query.french_disease:
        wanted = {s for s, g in judged.items() if g == 3 and s in truth.ctis}
        found = set(ids(search(client, {**params, "category": "REG536", "_count": "1000"})))
        row["ctis_relevant"] = len(wanted)
        row["ctis_reach"] = round(len(wanted & found) / len(wanted), 4) if wanted else None
    return row


def _recruiting(entry: dict[str, Any]) -> bool:
    for ext in entry["resource"].get("extension", []):
        concept = ext.get("valueCodeableConcept") or {}
        if "recruitment" in ext["url"].lower() and any(
            c.get("code") == "recruiting" for c in concept.get("coding", [])
        ):
            return True
    return False


# The search before issue 14, for comparison: every word required, title and labels only for
# _text (what the portal's box searched), no synonyms (the index analyzer), no typo tolerance.
BASELINE_FIELDS = {"_text": ["title^3", "labels^2"]}


def baseline_row(client: Any, alias: str, truth: Truth, query: Judged) -> dict[str, Any]:
    text = {
        "simple_query_string": {
            "query": query.text,
            "fields": BASELINE_FIELDS["_text"],
            "default_operator": "and",
            "flags": "PHRASE|OR|NOT|PRECEDENCE|WHITESPACE",
            "analyzer": "french_text",
        }
    }
    filters = [{"prefix": {"site_city": query.city}}] if query.city else []
    body = {
        "query": {"bool": {"must": [text], "filter": filters}},
        "size": 100,
        "sort": [{"_score": "desc"}, {"id": "asc"}],
        "_source": False,
        "track_total_hits": True,
    }
    response = client.search(index=alias, body=body)
    ranked = [hit["_id"] for hit in response["hits"]["hits"]]
    judged = truth.judged(query)
    return {
        "query": query.text,
        "total": response["hits"]["total"]["value"],
        "ndcg@10": round(ndcg_at(ranked, judged), 4),
        "recall@100": round(recall_at(ranked, judged), 4),
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    reach = [r["ctis_reach"] for r in rows if r.get("ctis_reach") is not None]
    by_kind: dict[str, list[float]] = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(r["ndcg@10"])
    mean_ndcg = sum(r["ndcg@10"] for r in rows) / len(rows)
    return {
        "queries": len(rows),
        "ndcg@10": round(mean_ndcg, 4),
        "ndcg@100": round(sum(r["ndcg@100"] for r in rows) / len(rows), 4),
        "recall@100": round(sum(r["recall@100"] for r in rows) / len(rows), 4),
        "ndcg@10_by_kind": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_kind.items())},
        "top10_recruiting_mean": round(sum(r["top10_recruiting"] for r in rows) / len(rows), 2),
        "zero_result": [r["query"] for r in rows if not r["total"]],
        "zero_result_with_topic": [r["query"] for r in rows if not r["total"] and r["relevant"]],
        "ctis_reach_min": min(reach) if reach else None,
        "ctis_reach_mean": round(sum(reach) / len(reach), 4) if reach else None,
        "french_disease_queries_missing_ctis": [
            r["query"] for r in rows if r.get("ctis_reach") is not None and r["ctis_reach"] < 1
        ],
        "goal_ndcg@10": GOAL_NDCG,
        "goal_met": mean_ndcg >= GOAL_NDCG,
    }


def run(settings: Settings, data: Path) -> dict[str, Any]:
    truth = Truth(data)
    with TestClient(create_app(settings), base_url="http://bench") as client:
        rows = [measure(client, truth, q) for q in QUERIES]
    engine = sync_client(settings)
    try:
        before = [baseline_row(engine, settings.index_alias, truth, q) for q in QUERIES]
    finally:
        engine.close()
    baseline = {
        "how": "every word required in title and labels (the former _text), no synonyms, "
        "no typo tolerance, on the same index",
        "ndcg@10": round(sum(r["ndcg@10"] for r in before) / len(before), 4),
        "recall@100": round(sum(r["recall@100"] for r in before) / len(before), 4),
        "zero_result": [r["query"] for r in before if not r["total"]],
        "per_query": before,
    }
    return {
        "data": str(data),
        "studies": len(truth.disease),
        **summarise(rows),
        "per_query": rows,
        "baseline": baseline,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "var" / "relevance")
    parser.add_argument("--url", help="OpenSearch URL (default: start the bench node)")
    parser.add_argument("--alias", default="eclaire-relevance")
    parser.add_argument("--no-load", action="store_true", help="the alias is loaded already")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not (args.data / "study_topics.ndjson").exists():
        generate(args.data, seed=42)
    node = None
    url = args.url
    if url is None:
        node = localnode.NODES["bench"]
        url = localnode.start(node)
    settings = Settings(
        opensearch_url=url,
        index_alias=args.alias,
        data_dir=args.data / "var",
        opensearch_timeout=30,
        validation="none",
        allowed_hosts="bench",  # the in-process client's Host
        rate_limit=0,  # 100 searches in a few seconds from one "client"
        client_concurrency=0,
    )
    try:
        if not args.no_load:
            from ingest.pipeline import run_ingest

            run_ingest(sorted(args.data.glob("export_eclaire_*.json")), settings, "full")
        result = run(settings, args.data)
    finally:
        if node is not None:
            localnode.stop(node)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    text = report(result)
    args.out.with_suffix(".md").write_text(f"# Relevance (bench.relevance)\n\n```\n{text}\n```\n")
    print(text)
    return 0


def report(result: dict[str, Any]) -> str:
    lines = [
        f"{'query':42} {'kind':9} {'total':>6} {'rel':>5} {'nDCG@10':>8} {'@100':>6} "
        f"{'R@100':>6} {'CTIS':>6} {'rec10':>5}"
    ]
    for r in result["per_query"]:
        city = f" @{r['city']}" if r["city"] else ""
        reach = "" if r.get("ctis_reach") is None else f"{r['ctis_reach']:.2f}"
        lines.append(
            f"{(r['query'] + city)[:42]:42} {r['kind']:9} {r['total']:>6} {r['relevant']:>5} "
            f"{r['ndcg@10']:>8.3f} {r['ndcg@100']:>6.3f} {r['recall@100']:>6.3f} {reach:>6} "
            f"{r['top10_recruiting']:>5}"
        )
    lines.append(
        f"overall: nDCG@10 {result['ndcg@10']:.3f} (goal {GOAL_NDCG}), nDCG@100 "
        f"{result['ndcg@100']:.3f}, recall@100 "
        f"{result['recall@100']:.3f}, zero-result {result['zero_result']}, CTIS reach min "
        f"{result['ctis_reach_min']}"
    )
    base = result["baseline"]
    lines.append(
        f"baseline (former _text): nDCG@10 {base['ndcg@10']:.3f}, recall@100 "
        f"{base['recall@100']:.3f}, zero-result {len(base['zero_result'])} queries"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
