"""Vendor Swagger UI's files from the pinned npm ``swagger-ui-dist`` into ``static/swagger-ui``.

Why vendored: /docs must work with no CDN and no network at run time, and the files must be
the exact published ones. ``npm pack`` checks the registry's integrity hash; a manifest keeps
the version, that hash and each file's SHA-256, and a test checks the files against it.

    python -m eclaire_search.openapi.vendor          # fetch and write (needs npm)
    python -m eclaire_search.openapi.vendor --check  # verify what is committed (offline)
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "swagger-ui-dist"
VERSION = "5.35.0"
FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE")
TARGET = Path(__file__).resolve().parent.parent / "static" / "swagger-ui"
MANIFEST = TARGET / "MANIFEST.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(target: Path = TARGET) -> dict[str, object]:
    """``npm pack`` the pinned version and copy the files the docs page loads."""
    with tempfile.TemporaryDirectory() as tmp:
        packed = subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{VERSION}", "--json", "--pack-destination", tmp],
            check=True,
            capture_output=True,
            text=True,
        )
        info = json.loads(packed.stdout)[0]
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(Path(tmp) / info["filename"]) as archive:
            for name in FILES:
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise SystemExit(f"{name} missing from {PACKAGE}@{VERSION}")
                (target / name).write_bytes(member.read())
    manifest: dict[str, object] = {
        "package": PACKAGE,
        "version": VERSION,
        "integrity": info["integrity"],
        "files": {name: sha256(target / name) for name in FILES},
    }
    (target / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def check(target: Path = TARGET) -> list[str]:
    """Problems with the vendored files (empty when they are the pinned, untouched ones)."""
    manifest = json.loads((target / "MANIFEST.json").read_text())
    problems = []
    if manifest["package"] != PACKAGE or manifest["version"] != VERSION:
        problems.append(f"manifest names {manifest['package']}@{manifest['version']}")
    for name in FILES:
        path = target / name
        if not path.exists():
            problems.append(f"{name} is missing")
        elif sha256(path) != manifest["files"].get(name):
            problems.append(f"{name} differs from the manifest")
    return problems


def main(argv: list[str]) -> int:
    if "--check" in argv:
        problems = check()
        print("\n".join(problems) or f"{PACKAGE}@{VERSION}: files match the manifest")
        return 1 if problems else 0
    manifest = fetch()
    print(f"vendored {PACKAGE}@{VERSION} into {TARGET} ({manifest['integrity']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
