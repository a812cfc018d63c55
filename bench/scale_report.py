"""bench/results/scale.md from scale.json: the curve per query kind, and its growth."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _cell(value: Any) -> str:
    return "—" if value is None else str(value)


def curve_rows(result: dict[str, Any]) -> list[str]:
    """One line per query kind and set: engine took/CPU alone, façade alone, p50 in the mix."""
    lines = [
        "| query | set | engine took mean¹ (ms) | engine CPU / req (ms) | façade alone p50 (ms) "
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


def growth(points: dict[str, Any], small: str, big: str) -> dict[str, Any]:
    """Per kind, big / small for the engine's took and CPU, the façade alone and in the mix."""
    a, b = points[small], points[big]

    def ratio(x: Any, y: Any) -> float | None:
        return round(y / x, 2) if x and y is not None else None

    def get(point: dict[str, Any], part: str, kind: str, key: str) -> Any:
        return point.get(part, {}).get(kind, {}).get(key)

    out: dict[str, Any] = {}
    for kind in a["engine"]:
        row = {
            "engine_took": ratio(
                get(a, "engine", kind, "took_mean_ms"), get(b, "engine", kind, "took_mean_ms")
            ),
            "engine_cpu": ratio(
                get(a, "engine", kind, "engine_cpu_ms_per_request"),
                get(b, "engine", kind, "engine_cpu_ms_per_request"),
            ),
            "raw_alone_p50": ratio(
                get(a, "engine", kind, "wall_p50_ms"), get(b, "engine", kind, "wall_p50_ms")
            ),
            "facade_alone_p50": ratio(
                get(a, "facade", kind, "wall_p50_ms"), get(b, "facade", kind, "wall_p50_ms")
            ),
        }
        if "mix" in a and "mix" in b:
            for target in ("facade", "raw"):
                row[f"{target}_mix_p50"] = ratio(
                    a["mix"][target]["per_query_p50_ms"].get(kind),
                    b["mix"][target]["per_query_p50_ms"].get(kind),
                )
        out[kind] = row
    return out


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
    lines += [
        "",
        "## Per query kind",
        "",
        *curve_rows(result),
        "",
        "¹ mean of `took` without the slowest tenth (whole milliseconds each). CPU: the JVM's "
        "ticks over the kind's passes, per request.",
        "",
    ]
    for key, growth in result.items():
        if key.startswith("growth_"):
            lines += [f"## {key.replace('_', ' ')}", "", *growth_rows(growth), ""]
    for label, earlier in (result.get("other_runs") or {}).items():
        lines += [f"## Another run: {label}", "", earlier.get("what", ""), ""]
        for key, growth in earlier.items():
            if key.startswith("growth_"):
                lines += [f"### {key.replace('_', ' ')}", "", *growth_rows(growth), ""]
    if result.get("notes"):
        lines += ["## Why", "", *[f"- {note}" for note in result["notes"]], ""]
    path.write_text("\n".join(lines))
