"""`make reliability`: hostile input, public-traffic attacks, outage, reindex under load,
malformed records, node loss.

    python -m bench.reliability [--hostile 12000] [--schemathesis-seconds 120]

Runs on nodes of its own, never ``run`` (9200) or ``test`` (9250): ``outage`` (9280) for the
single-node experiments, and the three-node loopback cluster ``cluster-0..2`` (9290-9292) for
node loss. All traffic goes to 127.0.0.1 and every load is bounded in count and time. Writes
bench/results/reliability.json. Whatever cannot run here is recorded with its reason.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson

from bench import datasets, hostile, mix
from bench.common import (
    ALIAS,
    ECLAIRE,
    PYTHON,
    RESULTS,
    ROOT,
    VAR,
    ApiProcess,
    api_env,
    clear_pits,
    delete_versioned_indices,
    log,
    machine_facts,
    newest_run,
    node,
    node_pid,
    os_call,
    phase,
    run_measured,
    write_json,
)
from devtools import localnode
from eclaire_core.settings import Settings

OUTCOME = "OperationOutcome"


def ingest(urls: str, directory: Path, name: str) -> dict[str, Any]:
    env = api_env(urls, ECLAIRE_VALIDATION="sample", ECLAIRE_INDEX_ALIAS=ALIAS)
    status, seconds, peak, _ = run_measured(
        [ECLAIRE, "ingest", *datasets.files(directory)],
        env,
        VAR / "logs" / f"rel-ingest-{name}.log",
    )
    run = newest_run()
    return {
        "exit_status": status,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak, 1),
        "indexed": run.get("load", {}).get("indexed"),
        "dead_lettered": run.get("mapping", {}).get("dead_lettered"),
        "dead_letter_file": run.get("dead_letter_file"),
        "index": run.get("load", {}).get("index"),
    }


# --- 1,000 malformed records in the 19k set ------------------------------------------------------


def malformed_load(url: str) -> dict[str, Any]:
    from ingest.deadletter import read_dead_letters

    directory = datasets.ensure("19k-malformed")
    delete_versioned_indices(url, ALIAS)
    run = ingest(url, directory, "malformed")
    tags = [
        json.loads(line) for line in (directory / "malformed_tags.ndjson").read_text().splitlines()
    ]
    summary = json.loads((directory / "generation_summary.json").read_text())
    expected_good = int(summary["expected_statistics"]["Total_etudes"])
    letters = read_dead_letters(Path(run["dead_letter_file"]))
    found = {(Path(d["file"]).name, d["index"]) for d in letters}
    expected_dl = {(t["file"], t["index"]) for t in tags if t["expected"] == "dead-letter"}
    warned = sorted({t["id"] for t in tags if t["expected"] == "warning" and t["id"]})
    indexed = int(os_call(f"{url}/{ALIAS}/_count")["count"])
    present = os_call(f"{url}/{ALIAS}/_mget?_source=false", {"ids": warned})["docs"]
    warned_missing = [d["_id"] for d in present if not d.get("found")]
    missing_dl = sorted(expected_dl - found)
    unexpected_dl = sorted(found - expected_dl)
    lost = len(missing_dl) + max(0, expected_good - indexed) + len(warned_missing)
    return {
        "malformed_records": len(tags),
        "expected_dead_letters": len(expected_dl),
        "expected_warnings_still_indexed": len(warned),
        "expected_good_studies": expected_good,
        "indexed_studies": indexed,
        "dead_letters_found": len(found),
        "dead_letters_missing": missing_dl[:20],
        "unexpected_dead_letters": unexpected_dl[:20],
        "warned_studies_missing": warned_missing[:20],
        "every_dead_letter_has_reason": all(d.get("reason") for d in letters),
        "records_lost": lost,
        "ingest": run,
        "_expected_statistics": summary["expected_statistics"],
    }


# --- hostile input -------------------------------------------------------------------------------


def real_cursors(api: str) -> list[str]:
    cursors = []
    for query in ("status=active&_count=5", "_text=cancer&_count=3", "_count=2&_sort=-_id"):
        bundle = httpx.get(f"{api}/R4/ResearchStudy?{query}", timeout=10).json()
        for link in bundle.get("link", []):
            if link["relation"] == "next":
                cursors += parse_qs(urlsplit(link["url"]).query).get("_cursor", [])
    return cursors


def expired_cursor(api: str, url: str) -> dict[str, Any]:
    """A genuine cursor whose index was pruned must be a 410 OperationOutcome.

    Cursors pin the concrete index of their first page; a full load with
    ECLAIRE_KEEP_INDICES=0 swaps the alias and deletes that index at once."""

    def next_link(target: str) -> str:
        bundle = httpx.get(target, timeout=10).json()
        return str(next(link["url"] for link in bundle["link"] if link["relation"] == "next"))

    third = next_link(next_link(f"{api}/R4/ResearchStudy?status=active&_count=5"))
    env = api_env(
        url, ECLAIRE_VALIDATION="none", ECLAIRE_INDEX_ALIAS=ALIAS, ECLAIRE_KEEP_INDICES="0"
    )
    status, _, _, _ = run_measured(
        [ECLAIRE, "ingest", *datasets.files(datasets.ensure("19k-malformed"))],
        env,
        VAR / "logs" / "rel-ingest-prune.log",
    )
    response = httpx.get(third, timeout=10)
    return {
        "reload_exit_status": status,
        "status": response.status_code,
        "operation_outcome": response.headers.get("content-type", "").startswith(
            "application/fhir+json"
        )
        and response.json().get("resourceType") == OUTCOME,
    }


def hostile_input(api: ApiProcess, url: str, count: int, seed: int) -> dict[str, Any]:
    study_ids = [
        h["_id"]
        for h in os_call(f"{url}/{ALIAS}/_search", {"size": 20, "_source": False})["hits"]["hits"]
    ]
    probes = list(hostile.corpus(seed, count, real_cursors(api.url), study_ids))
    started = time.monotonic()
    verdicts = asyncio.run(hostile.fire(api.url, probes, 16, time.monotonic() + 600))
    seconds = time.monotonic() - started
    alive = api.process is not None and api.process.poll() is None
    return {
        "requests": verdicts.requests,
        "seconds": round(seconds, 1),
        "server_errors": verdicts.server_errors,
        "client_errors_not_operation_outcome": verdicts.client_errors_not_outcome,
        "client_errors_not_operation_outcome_by_cause": verdicts.not_outcome_by_cause,
        "transport_errors": verdicts.transport_errors,
        "server_error_kinds": verdicts.server_error_kinds,
        "not_sent_by_client": verdicts.not_sent,
        "by_status": verdicts.by_status,
        "by_category": verdicts.by_category,
        "samples": verdicts.samples,
        "api_still_running": alive,
        "expired_cursor": expired_cursor(api.url, url),
    }


def schemathesis(api: ApiProcess, seconds: int) -> dict[str, Any]:
    spec = f"{api.url}/openapi.json"
    try:
        status = httpx.get(spec, timeout=10).status_code
    except httpx.HTTPError:
        status = 0
    if status != 200:
        return {"ran": False, "reason": f"GET /openapi.json answered {status}: no schema to fuzz"}
    har = VAR / "schemathesis.har"
    har.unlink(missing_ok=True)
    command = [
        str(Path(PYTHON).parent / "schemathesis"),
        "run",
        spec,
        "--checks",
        "not_a_server_error",
        "--max-examples",
        "200",
        "--seed",
        "1",
        "--max-time",
        str(seconds),
        # the coverage phase dies inside hypothesis on this Python (SystemError: AST constructor
        # recursion depth mismatch, building a lambda's repr): a tool fault, not an API one
        "--phases",
        "examples,fuzzing,stateful",
        "--workers",
        "2",
        # the streamed exports answer with the whole data set; our corpus covers them
        "--exclude-path-regex",
        "export",
        "--generation-database",
        "none",
        "--request-timeout",
        "15",
        "--report",
        "har",
        "--report-har-path",
        str(har),
        "--no-color",
    ]
    started = time.monotonic()
    try:
        done = subprocess.run(  # cwd: schemathesis leaves a .schemathesis/ folder behind
            command, cwd=VAR, capture_output=True, text=True, timeout=seconds + 240
        )
    except subprocess.TimeoutExpired:
        return {"ran": False, "reason": f"schemathesis did not finish in {seconds + 240}s"}
    elapsed = time.monotonic() - started
    (VAR / "logs" / "schemathesis.log").write_text(done.stdout + done.stderr)
    if not har.exists():
        return {
            "ran": False,
            "reason": "no HAR report",
            "exit_status": done.returncode,
            "tail": done.stdout[-2000:],
        }
    entries = json.loads(har.read_text())["log"]["entries"]
    by_status: dict[str, int] = {}
    server_errors = 0
    not_outcome = 0
    samples: list[dict[str, Any]] = []
    for entry in entries:
        status = int(entry["response"]["status"])
        by_status[str(status)] = by_status.get(str(status), 0) + 1
        content = entry["response"].get("content", {})
        if status >= 500:
            server_errors += 1
        elif status >= 400 and not hostile.is_outcome(
            content.get("mimeType", ""), content.get("text", "") or "", entry["request"]["method"]
        ):
            not_outcome += 1
        else:
            continue
        if len(samples) < 10:
            samples.append(
                {
                    "method": entry["request"]["method"],
                    "url": entry["request"]["url"][:300],
                    "status": status,
                    "body": (content.get("text") or "")[:300],
                }
            )
    return {
        "ran": True,
        "exit_status": done.returncode,
        "seconds": round(elapsed, 1),
        "requests": len(entries),
        "server_errors": server_errors,
        "client_errors_not_operation_outcome": not_outcome,
        "by_status": by_status,
        "samples": samples,
        "summary_tail": done.stdout.strip().splitlines()[-6:],
    }


# --- load in the background ----------------------------------------------------------------------


class Load:
    """bench.loadgen at a fixed rate in a subprocess, stopped with SIGTERM (it then reports)."""

    def __init__(self, plan: Path, base: str, out: Path, rate: float, seconds: float) -> None:
        self.out = out
        out.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "bench.loadgen",
                str(plan),
                "--target",
                "facade",
                "--base",
                base,
                "--out",
                str(out),
                "--rate",
                str(rate),
                "--requests",
                str(int(rate * seconds)),
                "--seconds",
                str(seconds),
                "--timeout",
                "10",
            ],
            cwd=ROOT,
        )

    def stop(self) -> dict[str, Any]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return orjson.loads(self.out.read_bytes())  # type: ignore[no-any-return]


def windows(run: dict[str, Any], marks: dict[str, float]) -> dict[str, dict[str, int]]:
    """Statuses of the requests started in each window between consecutive wall-clock marks."""
    edges = sorted(marks.items(), key=lambda kv: kv[1])
    names = ["before_" + edges[0][0]] + [
        f"{a}..{b}" for (a, _), (b, _) in itertools.pairwise(edges)
    ]
    names.append("after_" + edges[-1][0])
    out: dict[str, dict[str, int]] = {n: {} for n in names}
    for at, status in zip(run["started_at"], run["status"], strict=True):
        moment = run["t0_epoch"] + at
        slot = sum(1 for _, t in edges if moment >= t)
        counts = out[names[slot]]
        counts[str(status)] = counts.get(str(status), 0) + 1
    return out


def failures(run: dict[str, Any]) -> int:
    return sum(1 for s in run["status"] if s != 200)


# --- reindex under load --------------------------------------------------------------------------


def reindex_under_load(api: ApiProcess, url: str, plan: Path) -> dict[str, Any]:
    # the same exports as loaded (the plan's ids come from them): a nightly full reload
    directory = datasets.ensure("19k-malformed")
    clear_pits(url)
    before = httpx.get(f"{api.url}/ready", timeout=5).json().get("index")
    load = Load(plan, api.url, VAR / "runs" / "reindex-load.json", rate=50, seconds=240)
    time.sleep(5)
    marks = {"reindex_start": time.time()}
    run = ingest(url, directory, "reindex")
    marks["reindex_end"] = time.time()
    time.sleep(5)
    result = load.stop()
    after = httpx.get(f"{api.url}/ready", timeout=5).json().get("index")
    statuses: dict[str, int] = {}
    for status in result["status"]:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "reindex_failed_requests": failures(result),
        "requests": result["completed"],
        "achieved_rate_rps": round(result["completed"] / result["seconds"], 1),
        "statuses": statuses,
        "windows": windows(result, marks),
        "errors": result["errors"],
        "samples": result.get("samples", {}),
        "reindex": run,
        "alias_before": before,
        "alias_after": after,
        "alias_moved": before != after,
        "max_latency_ms": max(result["latency_ms"], default=None),
    }


# --- outage --------------------------------------------------------------------------------------


class Prober:
    """Every 0.25 s: one search and /ready, with status, latency and body type."""

    def __init__(self, api: str) -> None:
        self.api = api
        self.samples: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self._stop.is_set():
                for kind, path in (
                    ("search", "/R4/ResearchStudy?status=active&_count=1"),
                    ("ready", "/ready"),
                ):
                    started = time.time()
                    tick = time.perf_counter()
                    try:
                        response = client.get(self.api + path)
                        status = response.status_code
                        try:
                            body_type = response.json().get("resourceType")
                        except ValueError:
                            body_type = None
                    except httpx.HTTPError as exc:
                        status, body_type = 0, exc.__class__.__name__
                    self.samples.append(
                        {
                            "t": started,
                            "kind": kind,
                            "status": status,
                            "ms": round((time.perf_counter() - tick) * 1000, 1),
                            "type": body_type,
                        }
                    )
                self._stop.wait(0.25)

    def __enter__(self) -> Prober:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def between(self, kind: str, start: float, end: float) -> list[dict[str, Any]]:
        return [s for s in self.samples if s["kind"] == kind and start <= s["t"] < end]


def outage(api: ApiProcess, outage_node: localnode.Node, plan: Path) -> dict[str, Any]:
    url = outage_node.url
    clear_pits(url)
    api_pid = api.pid
    load = Load(plan, api.url, VAR / "runs" / "outage-load.json", rate=20, seconds=300)
    marks: dict[str, float] = {}
    with Prober(api.url) as prober:
        time.sleep(8)
        marks["stop"] = time.time()
        localnode.stop(outage_node)
        marks["down"] = time.time()
        time.sleep(10)
        marks["restart"] = time.time()
        localnode.start(outage_node)
        marks["healthy"] = time.time()
        time.sleep(10)
        # A frozen engine (accepts connections, never answers): the per-call timeout decides.
        pid = node_pid(outage_node)
        marks["freeze"] = time.time()
        if pid:
            os.kill(pid, signal.SIGSTOP)
        time.sleep(6)
        marks["thaw"] = time.time()
        if pid:
            os.kill(pid, signal.SIGCONT)
        time.sleep(10)
        marks["end"] = time.time()
    run = load.stop()
    down_search = prober.between("search", marks["down"], marks["restart"])
    down_ready = prober.between("ready", marks["down"], marks["restart"])
    after = prober.between("search", marks["healthy"], marks["freeze"])
    frozen = prober.between("search", marks["freeze"] + 0.05, marks["thaw"])
    first_503 = next(
        (
            s
            for s in prober.samples
            if s["kind"] == "search" and s["t"] >= marks["stop"] and s["status"] == 503
        ),
        None,
    )
    first_ok = next((s for s in after if s["status"] == 200), None)
    outage_ok = bool(down_search) and all(
        s["status"] == 503 and s["type"] == OUTCOME and s["ms"] < 1000 for s in down_search
    )
    load_down = [
        (lat, st)
        for at, lat, st in zip(run["started_at"], run["latency_ms"], run["status"], strict=True)
        if marks["down"] <= run["t0_epoch"] + at < marks["restart"]
    ]
    return {
        "outage_503": outage_ok,
        "ready_failing": bool(down_ready) and all(s["status"] == 503 for s in down_ready),
        "outage_recovered": first_ok is not None
        and api.process is not None
        and api.process.poll() is None
        and api.pid == api_pid,
        "api_restarted": False,
        "seconds_from_stop_to_first_503": round(first_503["t"] - marks["stop"], 2)
        if first_503
        else None,
        "node_stop_seconds": round(marks["down"] - marks["stop"], 2),
        "outage_search_probes": len(down_search),
        "outage_probe_max_ms": max((s["ms"] for s in down_search), default=None),
        "outage_load_requests": len(load_down),
        "outage_load_statuses": _count(st for _, st in load_down),
        "outage_load_max_ms": max((lat for lat, _ in load_down), default=None),
        "node_restart_seconds": round(marks["healthy"] - marks["restart"], 1),
        "seconds_from_healthy_to_first_200": round(first_ok["t"] - marks["healthy"], 2)
        if first_ok
        else None,
        "frozen_engine": {
            "probes": len(frozen),
            "statuses": _count(s["status"] for s in frozen),
            "max_ms": max((s["ms"] for s in frozen), default=None),
            "all_503_within_1s": bool(frozen)
            and all(s["status"] == 503 and s["ms"] < 1000 for s in frozen),
        },
        "load_windows": windows(run, marks),
        "load_samples": run.get("samples", {}),
        "timeline": {k: round(v - marks["stop"], 2) for k, v in marks.items()},
    }


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        out[str(value)] = out.get(str(value), 0) + 1
    return out


# --- public-traffic attacks (issue 12), OpenSearch defaults --------------------------------------


def production_api(url: str) -> ApiProcess:
    """The API as ``eclaire serve`` runs it: eclaire_search/serving.py's uvicorn options (httptools
    with the header limits and header deadline, the concurrency cap, JSON logs) and the rate
    limits at their defaults (api_env turns them off for the other phases)."""
    defaults = Settings.model_fields
    return ApiProcess(
        url,
        command=API_COMMAND or [ECLAIRE, "serve", "--host", "127.0.0.1", "--port", "{port}"],
        env_extra={
            "ECLAIRE_RATE_LIMIT": str(defaults["rate_limit"].default),
            "ECLAIRE_RATE_LIMIT_EXPORTS": str(defaults["rate_limit_exports"].default),
            "ECLAIRE_RATE_LIMIT_BURST": str(defaults["rate_limit_burst"].default),
            "ECLAIRE_CLIENT_CONCURRENCY": str(defaults["client_concurrency"].default),
        },
        log_path=VAR / "logs" / "api-attacks.log",
    )


def public_attacks(url: str) -> dict[str, Any]:
    """Next-link flood, :contains lists at the limits, 20 parallel exports, parallel
    1000-study pages, slow headers, rotating X-Forwarded-For — each with a normal client
    beside it (bench/attacks.py), against a production-served API of their own."""
    from bench import attacks

    clear_pits(url)
    with production_api(url) as api:
        out = asyncio.run(attacks.run(api.url, url, api.pid, attacks.ATTACKS))
        alive = api.process is not None and api.process.poll() is None
    out["served_as"] = {
        "command": "eclaire serve (uvicorn options of eclaire_search/serving.py, 1 worker)",
        "rate_limit_per_minute": Settings.model_fields["rate_limit"].default,
        "rate_limit_exports_per_minute": Settings.model_fields["rate_limit_exports"].default,
        "rate_limit_burst": Settings.model_fields["rate_limit_burst"].default,
        "client_concurrency": Settings.model_fields["client_concurrency"].default,
        "limit_concurrency": Settings.model_fields["limit_concurrency"].default,
        "header_timeout_s": Settings.model_fields["header_timeout"].default,
        "normal_client": f"own source address {attacks.NORMAL_ADDRESS}, one request every "
        f"{attacks.NORMAL_PERIOD}s at most (480/min, under the limit): not exempted",
        "attackers": attacks.ATTACKER_ADDRESS,
        "api_alive_at_end": alive,
    }
    return out


def attacks_only(args: argparse.Namespace) -> int:
    """``make reliability ONLY=attacks``: the attacks step alone on the outage node (19k
    studies loaded once), merged into the existing results file."""
    result: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {}
    outage_node = node("outage")
    with stopped_at_exit([outage_node]):
        with phase("outage node", result):
            url = localnode.start(outage_node)
        try:
            count = int(os_call(f"{url}/{ALIAS}/_count")["count"])
        except (urllib.error.URLError, OSError, KeyError):
            count = 0
        if count == 0:
            with phase("load 19k", result):
                ingest(url, datasets.ensure("19k"), "attacks")
        with phase("public attacks", result):
            result["attacks"] = public_attacks(url)
    result["attacks"]["run"] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": "make reliability ONLY=attacks",
        "machine": machine_facts(),
        "loadavg_at_end": Path("/proc/loadavg").read_text().split()[:3],
    }
    write_json(args.out, result)
    log(f"attacks → {args.out}")
    return 0


# --- node loss on a three-node cluster -----------------------------------------------------------


def shard_nodes(url: str) -> tuple[str | None, str | None, str | None]:
    rows = os_call(f"{url}/_cat/shards/{ALIAS}?format=json")
    primary = next((r["node"] for r in rows if r["prirep"] == "p"), None)
    replica = next((r["node"] for r in rows if r["prirep"] == "r"), None)
    manager = os_call(f"{url}/_cat/cluster_manager?format=json")[0]["node"]
    return primary, replica, manager


def health(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    try:
        return os_call(f"{url}/_cluster/health", timeout=timeout)  # type: ignore[no-any-return]
    except (urllib.error.URLError, OSError, ValueError):
        return None


def wait_health(
    urls: list[str], status: tuple[str, ...], nodes: int, timeout: float, exact: bool = False
) -> float | None:
    """Seconds until one of ``urls`` reports ``status`` with ``nodes`` members (exactly that
    many with ``exact``: after a kill, until the cluster has noticed the loss)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        for url in urls:
            found = health(url)
            count = found["number_of_nodes"] if found else 0
            if (
                found
                and found["status"] in status
                and (count == nodes if exact else count >= nodes)
            ):
                return time.monotonic() - started
        time.sleep(0.5)
    return None


API_COMMAND: list[str] | None = None  # --api-tree: serve the API from another source tree


def node_loss(plan_seed: int = 7) -> dict[str, Any]:
    members = localnode.members("cluster")
    out: dict[str, Any] = {}
    urls = localnode.start_cluster(members, status="yellow")
    joined = ",".join(urls)
    delete_versioned_indices(urls[0], ALIAS)
    out["ingest"] = ingest(joined, datasets.ensure("19k"), "cluster")
    os_call(f"{urls[0]}/{ALIAS}/_settings", {"index": {"number_of_replicas": 1}}, method="PUT")
    out["green_after_replicas_s"] = wait_health(urls, ("green",), 3, 300)
    primary, replica, manager = shard_nodes(urls[0])
    victim = localnode.NODES[primary or "cluster-1"]
    out["shards"] = {
        "primary": primary,
        "replica": replica,
        "cluster_manager": manager,
        "killed": victim.name,
    }
    plan = VAR / "plan-cluster.json"
    plan.write_bytes(orjson.dumps(mix.build(urls[0], ALIAS, seed=plan_seed)))
    survivors = [n.url for n in members if n.name != victim.name]
    with ApiProcess(joined, command=API_COMMAND, log_path=VAR / "logs" / "api-cluster.log") as api:
        load = Load(plan, api.url, VAR / "runs" / "node-loss-load.json", rate=50, seconds=400)
        marks: dict[str, float] = {}
        time.sleep(10)
        marks["kill"] = time.time()
        localnode.kill(victim)
        yellow = wait_health(survivors, ("yellow", "green"), 2, 120, exact=True)
        marks["serving_on_2"] = time.time()
        time.sleep(max(0.0, 20 - (time.time() - marks["kill"])))
        marks["restart"] = time.time()
        localnode.start(victim, wait=False)
        green = wait_health(urls, ("green",), 3, 300)
        marks["green"] = time.time()
        time.sleep(10)
        marks["end"] = time.time()
        run = load.stop()
    out.update(
        {
            "node_loss_failed_requests": failures(run),
            "node_loss_recovered": green is not None,
            "requests": run["completed"],
            "achieved_rate_rps": round(run["completed"] / run["seconds"], 1),
            "statuses": _count(run["status"]),
            "windows": windows(run, marks),
            "samples": run.get("samples", {}),
            "errors": run["errors"],
            "seconds_kill_to_yellow_on_2_nodes": round(yellow, 1) if yellow is not None else None,
            "seconds_restart_to_green": round(green, 1) if green is not None else None,
            "timeline": {k: round(v - marks["kill"], 1) for k, v in marks.items()},
            "settings": {
                "ECLAIRE_OPENSEARCH_URL": joined,
                "index.number_of_replicas": 1,
                "api_client": "opensearch-py AsyncOpenSearch over the three URLs, as "
                "eclaire_search.backend.create_client builds it",
            },
        }
    )
    return out


@contextlib.contextmanager
def stopped_at_exit(nodes: list[localnode.Node]) -> Iterator[None]:
    try:
        yield
    finally:
        for n in nodes:
            with contextlib.suppress(Exception):
                localnode.stop(n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability")
    parser.add_argument("--hostile", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--schemathesis-seconds", type=int, default=120)
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument(
        "--only-cluster", action="store_true", help="node loss only (e.g. with --api-tree)"
    )
    parser.add_argument(
        "--api-tree",
        type=Path,
        default=None,
        help="serve the API from this source tree (a copy holding a candidate change)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "reliability.json")
    parser.add_argument(
        "--only", choices=("attacks",), help="one step alone, merged into --out (ONLY=attacks)"
    )
    args = parser.parse_args(argv)
    global API_COMMAND
    if args.api_tree:
        from bench.ab import api_command

        API_COMMAND = api_command(args.api_tree)
    started = time.monotonic()
    (VAR / "runs").mkdir(parents=True, exist_ok=True)
    (VAR / "logs").mkdir(parents=True, exist_ok=True)
    if args.only == "attacks":
        return attacks_only(args)
    result: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": "make reliability",
        "machine": machine_facts(),
        "opensearch_settings": {
            "search.max_open_pit_context": "OpenSearch's default (300): the API opens no PIT"
        },
    }
    outage_node = node("outage")
    cluster_nodes = localnode.members("cluster")
    if args.api_tree:
        result["api_tree"] = str(args.api_tree)
    with stopped_at_exit([outage_node, *cluster_nodes]):
        if args.only_cluster:
            result["node_loss"] = loss = node_loss()
            result["node_loss_failed_requests"] = loss.get("node_loss_failed_requests")
            result["node_loss_recovered"] = loss.get("node_loss_recovered")
            write_json(args.out, result)
            return 0
        with phase("outage node", result):
            url = localnode.start(outage_node)
        with phase("malformed records", result):
            records = malformed_load(url)
        expected_statistics = records.pop("_expected_statistics")
        result["malformed"] = records
        result["records_lost"] = records["records_lost"]
        plan = VAR / "plan-outage.json"
        plan.write_bytes(orjson.dumps(mix.build(url, ALIAS)))
        api = ApiProcess(
            url, command=API_COMMAND, log_path=VAR / "logs" / "api-reliability.log"
        ).start()
        try:
            statistics = httpx.get(f"{api.url}/api/statistics", timeout=10).json()
            result["malformed"]["statistics_match_generator"] = statistics == expected_statistics
            with phase("hostile input", result):
                ours = hostile_input(api, url, args.hostile, args.seed)
            with phase("schemathesis", result):
                fuzz = schemathesis(api, args.schemathesis_seconds)
            result["hostile"] = {"corpus": ours, "schemathesis": fuzz}
            result["hostile_requests"] = ours["requests"] + int(fuzz.get("requests", 0))
            result["server_errors"] = ours["server_errors"] + int(fuzz.get("server_errors", 0))
            result["client_errors_not_operation_outcome"] = ours[
                "client_errors_not_operation_outcome"
            ] + int(fuzz.get("client_errors_not_operation_outcome", 0))
            with phase("public attacks", result):
                result["attacks"] = public_attacks(url)
            with phase("reindex under load", result):
                reindex = reindex_under_load(api, url, plan)
            result["reindex"] = reindex
            result["reindex_failed_requests"] = reindex["reindex_failed_requests"]
            with phase("outage", result):
                down = outage(api, outage_node, plan)
            result["outage"] = down
            result["outage_503"] = down["outage_503"]
            result["outage_recovered"] = down["outage_recovered"]
        finally:
            api.stop()
        localnode.stop(outage_node)  # room for the cluster
        if args.skip_cluster:
            result["node_loss"] = {"ran": False, "reason": "--skip-cluster"}
        else:
            with phase("node loss", result):
                try:
                    loss = node_loss()
                except Exception as exc:  # recorded, not hidden: the report says why
                    loss = {"ran": False, "reason": f"{exc.__class__.__name__}: {exc}"}
            result["node_loss"] = loss
            result["node_loss_failed_requests"] = loss.get("node_loss_failed_requests")
            result["node_loss_recovered"] = loss.get("node_loss_recovered")
    result["machine"]["loadavg_at_end"] = Path("/proc/loadavg").read_text().split()[:3]
    result["total_seconds"] = round(time.monotonic() - started, 1)
    write_json(args.out, result)
    log(f"done in {result['total_seconds']:.0f}s → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
