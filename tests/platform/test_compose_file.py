"""compose.yaml cannot run here (no Docker engine): check it against the code instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from eclaire_core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())  # type: ignore[no-any-return]


def test_services_and_healthchecks() -> None:
    services = compose()["services"]
    assert {"opensearch", "api", "scheduler"} <= set(services)
    for name in ("opensearch", "api", "scheduler"):
        assert "healthcheck" in services[name], name
    assert services["opensearch"]["image"].startswith("opensearchproject/opensearch:2.19")
    assert services["opensearch"]["environment"]["discovery.type"] == "single-node"
    for name in ("api", "scheduler"):
        assert services[name]["depends_on"]["opensearch"]["condition"] == "service_healthy"


def test_every_eclaire_variable_is_a_setting() -> None:
    fields = {f"ECLAIRE_{name.upper()}" for name in Settings.model_fields}
    for name, service in compose()["services"].items():
        env = service.get("environment") or {}
        names = {k for k in env if k.startswith("ECLAIRE_")}
        assert names <= fields, (name, names - fields)
    api_env = compose()["services"]["api"]["environment"]
    assert api_env["ECLAIRE_OPENSEARCH_URL"] == "http://opensearch:9200"


def test_commands_exist_in_the_cli() -> None:
    from typer.main import get_command

    from eclaire_cli.main import app

    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    for service in compose()["services"].values():
        command = service.get("command")
        if isinstance(command, list) and command[0] == "eclaire":
            assert command[1] in commands, command
