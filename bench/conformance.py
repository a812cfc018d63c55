"""``make conformance``: the official HL7 validator over mapped studies and captured API answers.

Steps: generate the sample exports (if absent) → ``eclaire map`` → a stratified sample of the
mapped resources (``sample_mapped.py``) → load the exports into an alias of its own on a node of
its own (or ``ECLAIRE_OPENSEARCH_URL``) → serve the API → capture its answers
(:mod:`bench.conformance_capture`) → ``validate.sh`` (HL7 ``org.hl7.fhir.validation`` 6.10.4,
offline, with the IG package) → ``bench/results/conformance.json`` and ``conformance.md``
(:mod:`bench.conformance_report`).

Only this harness reads the shared validator folder (``--shared``, default ``../shared``); the
project itself never needs it. Exit status 1 when any error is left outside the known
``upcoming`` gap of IG 0.3.1 (RES-2).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from bench.common import ECLAIRE, PYTHON, ROOT, ApiProcess, log
from bench.conformance_capture import capture
from bench.conformance_report import report
from devtools import localnode

OUT = ROOT / "var" / "conformance"
SAMPLE = ROOT / "var" / "sample"
ALIAS = "eclaire-conformance"
NODE = localnode.Node("conformance", 9440, 9540)  # its own ports: never run's or test's node
PER_STRATUM = 50


def shared_dir(given: str | None) -> Path:
    candidates = [Path(given)] if given else [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    for candidate in candidates:
        if (candidate / "validator" / "validate.sh").exists():
            return candidate.resolve()
    raise SystemExit(f"no validator folder in {', '.join(map(str, candidates))} (use --shared)")


def run(command: list[str], **env: str) -> None:
    log(" ".join(str(c) for c in command)[:160])
    subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, check=True)


def exports() -> list[str]:
    if not (SAMPLE / "export_eclaire_jarde.json").exists():
        run([ECLAIRE, "generate", str(SAMPLE), "--seed", "42"])
    return sorted(str(p) for p in SAMPLE.glob("export_eclaire_*.json"))


def mapped_sample(files: list[str], shared: Path) -> Path:
    """``eclaire map`` of the whole sample, then N studies per (regulation, precision)."""
    mapped, chosen = OUT / "mapped", OUT / "inputs" / "mapping"
    run([ECLAIRE, "map", *files, "--out", str(mapped)], ECLAIRE_VALIDATION="none")
    script = shared / "validator" / "scripts" / "sample_mapped.py"
    run([PYTHON, str(script), str(mapped), str(chosen), str(PER_STRATUM)])
    return chosen


def api_answers(files: list[str], opensearch_url: str) -> Path:
    """Load the exports into the harness's alias, serve them, capture the answers."""
    env = {
        "ECLAIRE_OPENSEARCH_URL": opensearch_url,
        "ECLAIRE_INDEX_ALIAS": ALIAS,
        "ECLAIRE_DATA_DIR": str(OUT / "data"),
        "ECLAIRE_KEEP_INDICES": "0",
    }
    run([ECLAIRE, "ingest", *files], ECLAIRE_VALIDATION="sample", **env)
    target = OUT / "inputs" / "api"
    api = ApiProcess(opensearch_url, env_extra=env, log_path=OUT / "api.log")
    with api.start():
        capture(f"{api.url}/R4", target)
    return target


def validate(shared: Path, inputs: list[Path]) -> Path:
    out = OUT / "validator"
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("issues.ndjson", "resources.ndjson"):
        (out / stale).unlink(missing_ok=True)
    script = shared / "validator" / "validate.sh"
    run(["bash", str(script), str(out), *map(str, inputs)], WORK=str(ROOT / "var" / "validator"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.conformance", description=__doc__)
    parser.add_argument("--shared", help="the shared folder holding validator/ and ig/")
    parser.add_argument(
        "--report-only", action="store_true", help="summarise the last validator run again"
    )
    args = parser.parse_args(argv)
    if not args.report_only:
        shared = shared_dir(args.shared)
        files = exports()
        mapping = mapped_sample(files, shared)
        url = os.environ.get("ECLAIRE_OPENSEARCH_URL")
        started = url is None
        if started:
            url = localnode.start(NODE)
        try:
            assert url is not None
            api = api_answers(files, url)
        finally:
            if started:
                localnode.stop(NODE)
        validate(shared, [mapping, api])
    errors = report(OUT / "validator", OUT / "inputs", ROOT / "bench" / "results")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
