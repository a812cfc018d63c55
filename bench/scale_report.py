"""bench/results/scale.md from scale.json: the curve per query kind, and its growth."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _cell(value: Any) -> str:
    return "—" if value is None else str(value)


def curve_rows(result: dict[str, Any]) -> list[str]:
    """One line per query kind and set: engine took/CPU alone, façade alone, p50 in the mix."""
    lines = [
        "| query | set | engine took mean (ms) | engine CPU / req (ms) | façade alone p50 (ms) "
        "| API CPU / req (ms) | façade p50 in mix (ms) | raw p50 in mix (ms) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    points = result["points"]
    kinds = list(next(iter(points.values()))["engine"])
    for kind in kinds:
        for name, point in points.items():
            engine, facade = point["engine"].get(kind, {}), point["facade"].get(kind, {})
            in_mix = point.get("mix", {})
            lines.append(
                f"| {kind} | {name} | {_cell(engine.get('took_mean_ms'))} "
                f"| {_cell(engine.get('engine_cpu_ms_per_request'))} "
                f"| {_cell(facade.get('wall_p50_ms'))} "
                f"| {_cell(facade.get('api_cpu_ms_per_request'))} "
                f"| {_cell(in_mix.get('facade', {}).get('per_query_p50_ms', {}).get(kind))} "
                f"| {_cell(in_mix.get('raw', {}).get('per_query_p50_ms', {}).get(kind))} |"
            )
    return lines


def growth_rows(growth: dict[str, Any]) -> list[str]:
    columns = [
        "engine_took",
        "engine_cpu",
        "raw_alone_p50",
        "facade_alone_p50",
        "facade_mix_p50",
        "raw_mix_p50",
    ]
    lines = ["| query | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for kind, row in growth.items():
        lines.append(f"| {kind} | " + " | ".join(_cell(row.get(c)) for c in columns) + " |")
    return lines


def write_scale_markdown(result: dict[str, Any], path: Path) -> None:
    lines = [
        "# Scale curve",
        "",
        f"`{result['command']}`, {result['generated_at']}. Each kind alone, one request at a "
        "time, engine pinned to one core; then the closed-loop mix (8 clients).",
        "",
    ]
    for name, point in result["points"].items():
        index = point["index"]
        lines.append(
            f"- **{name}**: {index['docs']} studies, {index['store_mb']} MB, "
            f"{index['shards']} shard, {index['segments']} segments; load average "
            f"{' '.join(point['loadavg_before'])} → {' '.join(point['loadavg_after'])}"
        )
    lines += ["", "## Per query kind", "", *curve_rows(result), ""]
    for key, growth in result.items():
        if key.startswith("growth_"):
            lines += [f"## {key.replace('_', ' ')}", "", *growth_rows(growth), ""]
    if result.get("notes"):
        lines += ["## Why", "", *[f"- {note}" for note in result["notes"]], ""]
    path.write_text("\n".join(lines))
