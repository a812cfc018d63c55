"""The benchmark data sets, generated once and cached under var/bench/ (deterministic by seed).

A set is regenerated when its parameters or the generator's source change (the marker holds a
fingerprint of ingest/generator/*.py), so a cached set never silently lags the generator.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from bench.common import ECLAIRE, ROOT, VAR, log

SEED = 42
SETS: dict[str, dict[str, Any]] = {
    "19k": {"scale": None, "malformed": 0},
    "200k": {"scale": 200_000, "malformed": 0},
    "500k": {"scale": 500_000, "malformed": 0},  # bench.scale's third point
    "19k-malformed": {"scale": None, "malformed": 1000},
}


def generator_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "ingest" / "generator").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure(name: str) -> Path:
    """The directory of set ``name``, generated now unless an up-to-date copy is cached."""
    spec = SETS[name]
    out = VAR / name
    marker = out / ".bench-set.json"
    wanted = {"seed": SEED, **spec, "generator": generator_fingerprint()}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return out
    if out.exists():
        shutil.rmtree(out)
    command = [ECLAIRE, "generate", str(out), "--seed", str(SEED)]
    if spec["scale"]:
        command += ["--scale", str(spec["scale"])]
    if spec["malformed"]:
        command += ["--malformed", str(spec["malformed"])]
    log(f"generating the {name} set into {out}")
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    marker.write_text(json.dumps(wanted))
    return out


def files(out: Path) -> list[str]:
    return [str(p) for p in sorted(out.glob("export_eclaire_*.json"))]


def describe(out: Path) -> dict[str, Any]:
    summary = json.loads((out / "generation_summary.json").read_text())
    size = sum(p.stat().st_size for p in out.glob("export_eclaire_*.json"))
    totals = summary.get("totals", {})
    return {
        "directory": str(out.relative_to(ROOT)),
        "source_bytes": size,
        "source_mb": round(size / 1e6, 1),
        "records": totals.get("records"),
        "published_studies": totals.get("published"),
        "malformed_records": totals.get("malformed"),
    }
