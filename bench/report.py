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
        f"{spread['p50_ratio']['min']:.2f}–{spread['p50_ratio']['max']:.2f} | ≤ 1.25 |",
        f"| p99 ratio façade/raw | **{spread['p99_ratio']['median']:.2f}** | "
        f"{spread['p99_ratio']['min']:.2f}–{spread['p99_ratio']['max']:.2f} | — |",
        f"| throughput ratio façade/raw | **{spread['throughput_ratio']['median']:.2f}** | "
        f"{spread['throughput_ratio']['min']:.2f}–{spread['throughput_ratio']['max']:.2f} | ≥ 0.8 |",
        f"| API RSS under the mix (peak) | **{result['api_rss_mb']:.0f} MB** | idle "
        f"{mix['api_rss_idle_mb']:.0f} MB | ≤ 150 MB |",
    ]
    for name, rate in result["ingest_studies_per_s"].items():
        rss = result["ingest_peak_rss_mb"][name]
        goal = "≥ 2,000/s" if name == "19k" else ("(reference)" if "all" in name else "≥ 2,000/s")
        lines.append(
            f"| ingest {name} | **{_fmt(rate)} studies/s** | peak RSS {rss:.0f} MB | {goal} |"
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
        "| query | weight | n | façade p50 | raw p50 | ratio | façade p99 | raw p99 | ratio | façade statuses |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["per_query"]:
        weight = mix["plan"].get(row["query"], "")
        lines.append(
            f"| {row['query']} | {weight} | {row['n_per_target']} | {row['facade_p50_ms']} | "
            f"{row['raw_p50_ms']} | {row['p50_ratio']} | {row['facade_p99_ms']} | "
            f"{row['raw_p99_ms']} | {row['p99_ratio']} | {row['facade_statuses']} |"
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
                return 1000 * sum(c[key] for c in rows) / max(sum(done), 1)

            api = f"{per_request('api_cpu_s'):.2f}" if target == "facade" else "—"
            others = sum(c["others_share"] for c in rows) / len(rows)
            lines.append(
                f"| {target} | {per_request('client_cpu_s'):.2f} | {api} | "
                f"{per_request('engine_cpu_s'):.2f} | {others:.1%} |"
            )
    probe = mix.get("default_pit_limit_probe")
    if probe:
        lines += [
            "",
            "## With OpenSearch's default point-in-time limit",
            "",
            f"With OpenSearch's default `search.max_open_pit_context` "
            f"({probe['search.max_open_pit_context']}), {probe['requests']} façade requests of the "
            f"mix gave statuses {probe['statuses']} ({probe['share_503']:.0%} 503). Before ec778ef "
            f"the façade opened a 5-minute PIT for every first page that had a next page, and the "
            f"same probe gave 22% 503 (330 of 1,500); the measured rounds raise the limit on the "
            f"bench node anyway, so that deep-paging walks never meet it.",
        ]
    lines += [
        "",
        "## Ingest",
        "",
        "| run | studies | wall s | studies/s | pipeline studies/s | peak RSS MB | others' CPU share | index MB | bytes/study |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, run in result["ingest"].items():
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
        f"- {cfg['opensearch_settings']['search.max_open_pit_context']}.",
        "- Plot: `latency.png`; profile of the façade under the mix: `profile.txt` (pyinstrument tree and flat self-time; the interactive `profile.html`, 13 MB, is left in var/bench/).",
        "",
    ]
    path.write_text("\n".join(lines))
