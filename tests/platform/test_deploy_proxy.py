"""deploy/nginx.conf agrees with the settings it mirrors, and nginx accepts it (when installed).

The reverse proxy does what uvicorn cannot (TLS, body and send deadlines, per-address
connection caps, a rate shared by every worker); its numbers must be the API's own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from eclaire_core.settings import Settings

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def directives() -> dict[str, list[str]]:
    """``name -> [value, ...]`` for every simple directive (comments dropped)."""
    found: dict[str, list[str]] = {}
    text = re.sub(r"#[^\n]*", "", CONF.read_text())
    for match in re.finditer(r"^\s*([a-z_0-9]+)\s+([^;{}]*);", text, flags=re.M):
        found.setdefault(match[1], []).append(" ".join(match[2].split()))
    return found


def seconds(value: str) -> float:
    return float(value.removesuffix("s"))


def test_proxy_limits_match_the_settings() -> None:
    # the documented defaults (tests/conftest.py relaxes some in the environment)
    settings = Settings.model_construct(
        **{name: field.default for name, field in Settings.model_fields.items()}
    )
    conf = directives()
    assert conf["client_max_body_size"] == [f"{settings.max_body_bytes // 1024}k"]
    assert seconds(conf["client_header_timeout"][0]) == settings.header_timeout
    assert seconds(conf["keepalive_timeout"][0]) == settings.keep_alive_timeout
    assert int(conf["gzip_min_length"][0]) == settings.compression_min_bytes
    count, size = conf["large_client_header_buffers"][0].split()
    assert int(count) * int(size.removesuffix("k")) * 1024 <= 2 * settings.max_header_bytes
    zones = " ".join(conf["limit_req_zone"])
    assert f"rate={settings.rate_limit // 60}r/s" in zones
    assert f"rate={settings.rate_limit_exports}r/m" in zones
    assert f"zone=requests burst={settings.rate_limit_burst} nodelay" in conf["limit_req"]
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in conf["proxy_set_header"]
    assert "X-Forwarded-Proto $scheme" in conf["proxy_set_header"]
    assert conf["gzip_vary"] == ["on"] and conf["ssl_certificate"] and conf["limit_conn"]


def test_nginx_accepts_the_file(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx to run this check)")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=essais-cliniques.example.org", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    text = CONF.read_text()
    text = text.replace("/etc/ssl/certs/essais-cliniques.example.org.pem", str(cert))
    text = text.replace("/etc/ssl/private/essais-cliniques.example.org.key", str(key))
    local = "".join(  # writable places instead of the package's /var paths
        f"    {name}_temp_path {tmp_path}/{name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = text.replace("http {\n", f"http {{\n{local}    access_log {tmp_path}/access.log;\n", 1)
    copy = tmp_path / "nginx.conf"
    copy.write_text(text.replace("/tmp/eclaire-nginx.pid", str(tmp_path / "nginx.pid")))
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(copy), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
