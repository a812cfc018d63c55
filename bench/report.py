# ruff: noqa: E501, RUF001  (markdown table rows read best on one line; en dashes are ranges)
"""latest.md and latency.png from the benchmark's results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.stats import by_query


def write_plot(runs: dict[str, list[dict[str, Any]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    colours = {"facade": "#c0392b", "raw": "#2471a3"}
    labels = {"facade": "façade (API)", "raw": "raw OpenSearch (same bodies)"}
    fig, (left, right) = plt.subplots(1, 2, figsize=(15, 6), gridspec_kw={"width_ratios": [1, 1.6]})
    for target, target_runs in runs.items():
        values = np.sort(np.array([x for r in target_runs for x in r["latency_ms"]]))
        if not len(values):
            continue
        cdf = np.arange(1, len(values) + 1) / len(values)
        left.plot(values, cdf, label=labels[target], color=colours[target])
    left.set_xscale("log")
    left.set_xlabel("latency (ms, log)")
    left.set_ylabel("share of requests ≤ latency")
    left.set_title("Whole mix: latency distribution (all rounds)")
    left.grid(True, which="both", alpha=0.3)
    left.legend()
    facade_q, raw_q = by_query(runs.get("facade", [])), by_query(runs.get("raw", []))
    names = list(facade_q)
    positions = np.arange(len(names))
    width = 0.38
    for offset, (target, data) in zip(
        (-width / 2, width / 2), (("facade", facade_q), ("raw", raw_q)), strict=True
    ):
        boxes = right.boxplot(
            [data.get(n, [0.0]) for n in names],
            positions=positions + offset,
            widths=width * 0.9,
            whis=(1, 99),
            showfliers=False,
            patch_artist=True,
        )
        for box in boxes["boxes"]:
            box.set_facecolor(colours[target])
            box.set_alpha(0.6)
    right.set_xticks(positions)
    right.set_xticklabels(names, rotation=30, ha="right")
    right.set_yscale("log")
    right.set_ylabel("latency (ms, log); whiskers p1-p99")
    right.set_title("Per query: façade (red) vs raw (blue)")
    right.grid(True, axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def scale_lines(scale: dict[str, Any]) -> list[str]:
    """The scale curve: the mix on each data set, and the 200k / 19k p50 growth per kind."""
    points = scale.get("points") or {}
    if not points:
        return []
    lines = [
        "",
        "## Scale curve (the same mix on each data set)",
        "",
        "| set | façade req/s | raw req/s | throughput ratio | p50 ratio | façade p50 / p99 ms | raw p50 / p99 ms | load average |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, p in points.items():
        f, r = p["pooled"]["facade"], p["pooled"]["raw"]
        lines.append(
            f"| {name} | {p['facade_rps']} | {p['raw_rps']} | {p['throughput_ratio']:.2f} | "
            f"{p['p50_ratio']:.2f} | {f['p50_ms']} / {f['p99_ms']} | {r['p50_ms']} / {r['p99_ms']} | "
            f"{' '.join(p['loadavg'])} |"
        )
    growth = scale.get("p50_growth_200k_over_19k")
    if growth:
        lines += [
            "",
            "| query | façade p50 19k → 200k ms | raw p50 19k → 200k ms | growth façade / raw (goal ≤ 1.3) |",
            "|---|---|---|---|",
        ]
        small, big = points["19k"]["per_query"], points["200k"]["per_query"]
        for name, g in growth.items():
            lines.append(
                f"| {name} | {small[name]['facade_p50_ms']} → {big[name]['facade_p50_ms']} | "
                f"{small[name]['raw_p50_ms']} → {big[name]['raw_p50_ms']} | {g['facade']} / {g['raw']} |"
            )
    alone = scale.get("growth_alone_200k_over_19k")
    if alone:
        lines += [
            "",
            "Each kind alone, one request at a time (bench/scale.py): the mix above measures a "
            "kind behind the others; this is its own cost.",
            "",
            "| query | façade p50 19k → 200k ms | growth façade (goal ≤ 1.3) | engine took / CPU growth |",
            "|---|---|---|---|",
        ]
        small, big = points["19k"]["alone"]["facade"], points["200k"]["alone"]["facade"]
        for name, g in alone.items():
            if name not in small or name not in big:
                continue
            lines.append(
                f"| {name} | {small[name]['wall_p50_ms']} → {big[name]['wall_p50_ms']} | "
                f"{g['facade_alone_p50']} | {g['engine_took'] or '—'} / {g['engine_cpu'] or '—'} |"
            )
    return lines


def wire_lines(wire: dict[str, Any]) -> list[str]:
    """Bytes on the wire per query kind (one request each), identity and compressed."""
    table = wire.get("per_query") or {}
    if not table:
        return []
    codings = wire["codings"]
    lines = [
        "",
        "## Bytes on the wire (one request per kind; coding asked → bytes received, coding served)",
        "",
        "| query | " + " | ".join(f"façade {c}" for c in codings) + " | raw identity | raw gzip |",
        "|---|" + "---|" * (len(codings) + 2),
    ]
    for name, row in table.items():
        cells = [
            f"{_fmt(m['bytes'])} ({m['content_encoding']})"
            for m in (row["facade"][c] for c in codings)
        ]
        raw = row.get("raw") or {}
        cells += [
            f"{_fmt(raw[c]['bytes'])} ({raw[c]['content_encoding']})" if c in raw else "—"
            for c in ("identity", "gzip")
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for kind, ref in (wire.get("reference") or {}).items():
        lines.append(
            f"\n{kind} ({ref.get('measured', 'one request')}): façade best "
            f"{_fmt(ref['facade_best_bytes'])} B against the reference's "
            f"{_fmt(ref['reference_bytes'])} B compressed — "
            f"{'met' if ref['met'] else 'not met' + ('' if ref['facade_compresses'] else ' (the façade does not compress yet)')}."
        )
    return lines


def write_markdown(result: dict[str, Any], path: Path) -> None:
    spread = result["spread"]
    mix = result["mix"]
    cfg = result["config"]
    lines = [
        "# Benchmark: façade vs raw OpenSearch",
        "",
        f"`{result['command']}` at {result['generated_at']} (commit {result['git']['commit']}), "
        f"{result['machine']['cpus']} cores ({result['machine']['cpu_model']}), "
        f"{result['machine']['memory_gib']} GiB, OpenSearch {result['machine']['opensearch']} "
        f"(heap {result['machine']['opensearch_heap']}), Python {result['machine']['python']}. "
        f"Load average at start {' '.join(result['machine']['loadavg_at_start'])}, at end "
        f"{' '.join(result['machine'].get('loadavg_at_end', []))} (the machine is shared).",
        "",
        "## Headline (median of rounds, min–max)",
        "",
        "| figure | value | spread | goal |",
        "|---|---|---|---|",
        f"| p50 ratio façade/raw | **{spread['p50_ratio']['median']:.2f}** | "
        f"{spread['p50_ratio']['min']:.2f}–{spread['p50_ratio']['max']:.2f} | ≤ 1.10 |",
        f"| p99 ratio façade/raw | **{spread['p99_ratio']['median']:.2f}** | "
        f"{spread['p99_ratio']['min']:.2f}–{spread['p99_ratio']['max']:.2f} | — |",
        f"| throughput ratio façade/raw | **{spread['throughput_ratio']['median']:.2f}** | "
        f"{spread['throughput_ratio']['min']:.2f}–{spread['throughput_ratio']['max']:.2f} | ≥ 0.90 |",
        f"| API RSS under the mix (peak) | **{result['api_rss_mb']:.0f} MB** | idle "
        f"{mix['api_rss_idle_mb']:.0f} MB | ≤ 150 MB |",
    ]
    for name, rate in result["ingest_studies_per_s"].items():
        rss = result["ingest_peak_rss_mb"][name]
        goal = "≥ 1,000/s" if "all" in name else "—" if "reload" in name else "≥ 2,000/s"
        lines.append(
            f"| ingest {name} | **{_fmt(rate)} studies/s** | peak RSS {rss:.0f} MB | {goal} |"
        )
    floor = result.get("ingest_raw_floor")
    if floor:
        lines.append(
            f"| raw OpenSearch bulk of the same 19k documents | {_fmt(floor['documents_per_s'])} "
            f"documents/s | ingest 19k = **{floor['ingest_over_raw']:.2f}×** of it | ceiling |"
        )
    export = result.get("export_200k")
    if export:
        lines.append(
            f"| export.ndjson of {export['lines']:,} studies | {export['seconds']} s, "
            f"{export['mb']} MB | API RSS idle {export['api_rss_idle_mb']:.0f} → peak "
            f"{export['api_rss_peak_mb']:.0f} MB (first tenth {export['api_rss_first_tenth_max_mb']:.0f}, "
            f"last tenth {export['api_rss_last_tenth_max_mb']:.0f}) | flat |"
        )
    lines += [
        "",
        f"Goals met: {', '.join(k for k, v in result['goals'].items() if v) or 'none'}; "
        f"not met: {', '.join(k for k, v in result['goals'].items() if not v) or 'none'}.",
        "",
        "## Per round",
        "",
        "| round | façade req/s | raw req/s | façade p50 / p99 ms | raw p50 / p99 ms | p50 ratio | throughput ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(result["rounds"]):
        f, w = r["facade"], r["raw"]
        lines.append(
            f"| {i} | {f['throughput_rps']} | {w['throughput_rps']} | {f['p50_ms']} / {f['p99_ms']} | "
            f"{w['p50_ms']} / {w['p99_ms']} | {r['p50_ratio']:.2f} | {r['throughput_ratio']:.2f} |"
        )
    lines += [
        "",
        "## Per query (all rounds pooled)",
        "",
        "| query | weight | n | façade p50 | raw p50 | ratio | façade p99 | raw p99 | ratio | façade / raw bytes (gzip asked) | façade statuses |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["per_query"]:
        weight = mix["plan"].get(row["query"], "")
        lines.append(
            f"| {row['query']} | {weight} | {row['n_per_target']} | {row['facade_p50_ms']} | "
            f"{row['raw_p50_ms']} | {row['p50_ratio']} | {row['facade_p99_ms']} | "
            f"{row['raw_p99_ms']} | {row['p99_ratio']} | {_fmt(row.get('facade_wire_bytes_mean'))} / "
            f"{_fmt(row.get('raw_wire_bytes_mean'))} | {row['facade_statuses']} |"
        )
    shares = [c for c in mix.get("cpu_shares", []) if "api_cpu_s" in c]
    if shares:
        lines += [
            "",
            "## CPU per request (ms, mean over rounds)",
            "",
            "| target | load client | API | OpenSearch | everybody else's share of the 2 cores |",
            "|---|---|---|---|---|",
        ]
        for target in ("facade", "raw"):
            rows = [c for c in shares if c["target"] == target]
            done = [result["rounds"][c["round"]][target]["completed"] for c in rows]

            def per_request(
                key: str, rows: list[dict[str, Any]] = rows, done: list[int] = done
            ) -> float:
                return float(1000 * sum(c[key] for c in rows) / max(sum(done), 1))

            api = f"{per_request('api_cpu_s'):.2f}" if target == "facade" else "—"
            others = sum(c["others_share"] for c in rows) / len(rows)
            lines.append(
                f"| {target} | {per_request('client_cpu_s'):.2f} | {api} | "
                f"{per_request('engine_cpu_s'):.2f} | {others:.1%} |"
            )
    lines += scale_lines(result.get("scale") or {})
    lines += wire_lines(mix.get("wire") or {})
    lines += [
        "",
        "## Ingest",
        "",
        "| run | studies | wall s | studies/s | pipeline studies/s | peak RSS MB | others' CPU share | index MB | bytes/study |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    runs = dict(result["ingest"])
    if "ingest_warmup" in result:  # untimed for the goals: the JVM's first load (run_bench)
        runs["19k warm-up, validation none, fresh node"] = result["ingest_warmup"]
    for name, run in runs.items():
        index = run.get("index", {})
        lines.append(
            f"| {name} | {run['studies_indexed']:,} | {run['wall_seconds']} | {run['studies_per_s']} | "
            f"{run['studies_per_s_pipeline']} | {run['peak_rss_mb']} | {run['cpu']['others_share']} | "
            f"{index.get('store_mb', '')} | {index.get('bytes_per_study', '')} |"
        )
    lines += [
        "",
        "## Data sets",
        "",
        "| set | records | published | source MB |",
        "|---|---|---|---|",
    ]
    for name, d in result["datasets"].items():
        lines.append(
            f"| {name} | {_fmt(d['records'])} | {_fmt(d['published_studies'])} | {d['source_mb']} |"
        )
    lines += [
        "",
        "## Set-up",
        "",
        f"- {cfg['concurrency']} concurrent requests (closed loop), {cfg['requests_per_target_and_round']:,} "
        f"requests per target per round, {cfg['rounds']} rounds; {cfg['order']}.",
        f"- API: {cfg['api']}; load client: {cfg['load_client']}.",
        f"- Pinning: OpenSearch {cfg['pinning']['opensearch']}, API {cfg['pinning']['api']}, "
        f"client {cfg['pinning']['load_client']} — {cfg['pinning']['why']}.",
        f"- Raw baseline: {cfg['raw_baseline']}.",
        f"- OpenSearch settings: {cfg['opensearch_settings']}; {cfg.get('accept_encoding', '')}.",
        "- Plot: `latency.png`; profile of the façade under the mix: `profile.txt` (pyinstrument tree and flat self-time; the interactive `profile.html`, 13 MB, is left in var/bench/).",
        "",
    ]
    path.write_text("\n".join(lines))
