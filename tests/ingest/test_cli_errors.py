"""Operational failures end with their documented exit status and one line of reason, never a
traceback: OpenSearch unreachable (a closed port), missing files, a file where a directory
goes. ``--debug`` keeps the traceback; ``--version`` and the help are readable."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from ingest_mapping_samples import jarde
from typer.testing import CliRunner, Result

from eclaire_cli.main import app
from eclaire_core.settings import get_settings
from ingest import errors


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def engine_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings pointing at a closed port; yields the data directory."""
    data = tmp_path / "var"
    monkeypatch.setenv("ECLAIRE_OPENSEARCH_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("ECLAIRE_DATA_DIR", str(data))
    monkeypatch.setenv("ECLAIRE_INDEX_ALIAS", "test-cli-errors")
    monkeypatch.setenv("ECLAIRE_VALIDATION", "none")
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export_eclaire_jarde.json"
    path.write_text(json.dumps([jarde()], ensure_ascii=False), encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def one_line_reason(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.output + result.stderr
    assert lines, "no reason on stderr"
    return lines[-1]


def last_run(data: Path) -> dict[str, object]:
    lines = (data / "runs.ndjson").read_text().splitlines()
    return json.loads(lines[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("incremental", [False, True])
def test_ingest_with_opensearch_down_exits_4(
    engine_down: Path, export: Path, incremental: bool
) -> None:
    args = ["ingest", str(export), *(["--incremental"] if incremental else [])]
    result = run(*args)
    assert result.exit_code == 4, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert one_line_reason(result).startswith("eclaire ingest: OpenSearch did not answer")
    record = last_run(engine_down)
    assert (record["command"], record["ok"], record["exit_status"]) == ("ingest", False, 4)
    assert "did not answer" in str(record["error"])


def test_reindex_with_opensearch_down_exits_4(engine_down: Path) -> None:
    result = run("reindex")
    assert result.exit_code == 4, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert one_line_reason(result).startswith("eclaire reindex: OpenSearch did not answer")
    assert last_run(engine_down)["command"] == "reindex"


def test_harvest_of_a_closed_port_exits_4(engine_down: Path, tmp_path: Path) -> None:
    out = tmp_path / "mirror.ndjson"
    base = f"http://127.0.0.1:{closed_port()}/R4"
    result = run("harvest", base, "--out", str(out), "--retries", "1", "--delay", "0")
    assert result.exit_code == errors.SourceUnreachable.exit_status == 4, result.stderr
    reason = one_line_reason(result)
    assert reason.startswith("eclaire harvest: GET ") and "no answer" in reason
    assert reason.endswith("go on later with --resume")
    assert out.exists()  # the state to resume from is kept


def test_schedule_check_with_opensearch_down_exits_4(engine_down: Path, export: Path) -> None:
    result = run("schedule", "--check", str(export))
    assert result.exit_code == 4, result.stderr
    assert one_line_reason(result).startswith("eclaire schedule: OpenSearch did not answer")
    assert "ok     input: " + str(export) in result.stderr  # the files were checked anyway


def test_map_of_a_missing_file_says_so(engine_down: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    result = run("map", str(missing), "--out", str(tmp_path / "out"))
    assert result.exit_code == errors.InputError.exit_status == 5
    assert one_line_reason(result) == f"eclaire map: {missing}: no such file"


def test_ingest_of_a_directory_exits_5(engine_down: Path, tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path))
    assert result.exit_code == 5
    assert one_line_reason(result) == f"eclaire ingest: {tmp_path}: is a directory, not a file"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty file"), (b"# README\n", "not JSON (starts with '# README')")],
)
def test_a_file_that_is_not_an_export_exits_5_before_any_load(
    engine_down: Path, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(content)
    result = run("ingest", str(path))
    assert result.exit_code == 5
    assert one_line_reason(result) == f"eclaire ingest: {path}: {reason}"


def test_generate_into_a_file_is_one_clear_line(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    result = run("generate", str(target), "--scale", "10")
    assert result.exit_code == 2
    reason = one_line_reason(result)
    assert (
        reason == f"eclaire generate: {target} is a file, not a directory: give a directory "
        "for the exports"
    )
    assert target.read_text() == "x"


def test_debug_keeps_the_traceback(engine_down: Path) -> None:
    result = run("--debug", "reindex")
    assert result.exit_code != 0
    assert isinstance(result.exception, errors.EngineUnreachable)


def test_a_bug_is_not_swallowed(engine_down: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from eclaire_core import opensearch

    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(opensearch, "sync_client", broken)
    result = run("reindex")
    assert isinstance(result.exception, ZeroDivisionError)


def test_bad_setting_is_a_usage_error(engine_down: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECLAIRE_KEEP_INDICES", "many")
    get_settings.cache_clear()
    result = run("reindex")
    assert result.exit_code == 2
    assert one_line_reason(result).startswith("eclaire reindex: bad setting ECLAIRE_KEEP_INDICES")


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"eclaire-search {metadata.version('eclaire-search')}"


def test_every_class_status_is_documented() -> None:
    classes = [
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, errors.IngestError)
    ]
    assert {c.exit_status for c in classes} <= set(errors.EXIT_STATUSES)
    assert {c.exit_status for c in classes} | {0, 2} == set(errors.EXIT_STATUSES)


def test_help_lists_every_command_and_status(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    result = run("--help")
    assert result.exit_code == 0
    from typer.main import get_command

    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert {"harvest", "snapshot", "restore", "rollback"} <= set(commands)
    summary = result.stdout.split("Exit statuses")[0]
    for name in commands:
        assert name in summary, name
    for code, meaning in errors.EXIT_STATUSES.items():
        assert f"{code} {meaning}" in " ".join(result.stdout.split())


def test_help_paragraphs_are_rewrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paragraph of a docstring is reflowed to the terminal, not cut where the source is."""
    monkeypatch.setenv("COLUMNS", "200")
    result = run("ingest", "--help")
    sentence = (
        "Full (default): a new versioned index, then an atomic alias swap. --incremental: "
        "upsert the studies whose content changed"
    )
    assert any(sentence in line for line in result.stdout.splitlines()), result.stdout


def test_the_installed_command_exits_4_without_a_traceback(tmp_path: Path) -> None:
    """The real entry point, in its own process (typer's own exception printing included)."""
    import os
    import subprocess
    import sys

    eclaire = Path(sys.executable).parent / "eclaire"
    env = {
        **os.environ,
        "ECLAIRE_OPENSEARCH_URL": f"http://127.0.0.1:{closed_port()}",
        "ECLAIRE_DATA_DIR": str(tmp_path / "var"),
        "ECLAIRE_INDEX_ALIAS": "test-cli-errors",
    }
    done = subprocess.run(
        [str(eclaire), "reindex"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 4, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("eclaire reindex: OpenSearch did not answer")
