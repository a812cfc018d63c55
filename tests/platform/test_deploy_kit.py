"""deploy/ cannot be installed here (no systemd as PID 1): check its files against the code."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import yaml
from typer.main import get_command

from eclaire_cli.main import app
from eclaire_core.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = ("eclaire-api.service", "eclaire-scheduler.service")


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / name).read_text())
    return parser


def env_file() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "eclaire.env").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


def test_units_run_commands_of_the_cli() -> None:
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    wanted = {"eclaire-api.service": "serve", "eclaire-scheduler.service": "schedule"}
    for name in UNITS:
        service = unit(name)["Service"]
        argv = shlex.split(service["ExecStart"])
        assert Path(argv[0]).name == "eclaire" and argv[1] in commands, argv
        assert argv[1] == wanted[name]
        assert service["EnvironmentFile"] == "/etc/eclaire/eclaire.env"
        assert service["User"] != "root" and service["Restart"] == "on-failure"
        assert service["RestartPreventExitStatus"] == "2"  # a usage error does not heal
        assert unit(name)["Install"]["WantedBy"] == "multi-user.target"


def test_timers_start_cli_commands() -> None:
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    for timer in sorted(DEPLOY.glob("*.timer")):
        assert unit(timer.name)["Timer"]["OnCalendar"]
        service = unit(timer.with_suffix(".service").name)["Service"]
        argv = shlex.split(service["ExecStart"])
        assert service["Type"] == "oneshot" and service["User"] == "eclaire"
        if Path(argv[0]).name == "eclaire":
            assert argv[1] in commands, argv


def test_env_file_names_only_settings() -> None:
    fields = {f"ECLAIRE_{name.upper()}" for name in Settings.model_fields}
    env = env_file()
    assert set(env) <= fields, set(env) - fields
    assert int(env["ECLAIRE_INDEX_REPLICAS"]) >= 1  # a cluster keeps copies
    assert env["ECLAIRE_CURSOR_SECRET"]  # several workers: one key
    assert env["ECLAIRE_INPUT_DIR"] and env["ECLAIRE_SNAPSHOT_LOCATION"]


def test_cluster_settings_cover_snapshots_and_cancellation() -> None:
    settings = yaml.safe_load((DEPLOY / "opensearch.yml").read_text())
    repos = settings["path.repo"]
    assert any(env_file()["ECLAIRE_SNAPSHOT_LOCATION"].startswith(r + "/") for r in repos)
    assert settings["search.cancel_after_time_interval"]
