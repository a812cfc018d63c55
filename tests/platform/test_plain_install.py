"""A plain (non-editable) install carries everything it needs: it ingests and it serves.

The package is installed into a folder of its own and run from another directory, so nothing of
the checkout can be found: the index template, the MedDRA sample, the gazetteer, the portal's
templates and static files must all travel as package data.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from studies_fixture import alias_settings, drop_alias, write_exports

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("plain-install")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        timeout=600,
    )
    return target


def run_installed(target: Path, cwd: Path, code: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**os.environ, **env, "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_a_plain_install_ingests_and_serves(
    installed: Path, opensearch_url: str, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    expected = write_exports(exports)
    settings = alias_settings(opensearch_url, "plain", tmp_path / "var")
    env = {
        "ECLAIRE_OPENSEARCH_URL": opensearch_url,
        "ECLAIRE_INDEX_ALIAS": settings.index_alias,
        "ECLAIRE_DATA_DIR": str(tmp_path / "var"),
        "ECLAIRE_VALIDATION": "sample",
        "ECLAIRE_ALLOWED_HOSTS": "testserver",
        "ECLAIRE_RATE_LIMIT": "0",
    }
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    files = sorted(str(p) for p in exports.glob("export_eclaire_*.json"))
    try:
        where = run_installed(
            installed,
            elsewhere,
            "import sys, eclaire_core, eclaire_search, ingest, eclaire_cli\n"
            "print(eclaire_core.__file__, eclaire_search.__file__, ingest.__file__)\n"
            "from eclaire_cli.main import app\n"
            f"sys.argv = ['eclaire', 'ingest', *{files!r}]\n"
            "try:\n    app()\n"
            "except SystemExit as exit:\n    assert exit.code in (0, None), exit.code\n",
            env,
        )
        assert all(path.startswith(str(installed)) for path in where.split()[:3]), where
        served = run_installed(
            installed,
            elsewhere,
            "from starlette.testclient import TestClient\n"
            "from eclaire_search.app import create_app\n"
            "with TestClient(create_app()) as client:\n"
            "    bundle = client.get('/R4/ResearchStudy', params={'_count': 1000}).json()\n"
            "    page = client.get('/')\n"
            "    assert page.status_code == 200, page.text[:500]\n"
            "    assert client.get('/static/portal.css').status_code == 200\n"
            "    print(bundle['total'])\n",
            env,
        )
        assert int(served.split()[-1]) == len(expected)
    finally:
        drop_alias(settings)
