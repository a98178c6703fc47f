"""Fetch the build-time assets pinned in assets.lock.json (PDF and web fonts, the charts' scripts and maps).

Run by `make assets` (a step of make demo / test / run) with the system python3 alone: no node or
npm. Each npm tarball is downloaded from the npm registry this machine is set up for, checked
against its pinned sha512 integrity (SRI, as in package-lock.json) and only the listed files are
extracted, each checked against its sha256, into var/assets/ (git-ignored). Files already present
with the right hash are not fetched again; tarballs are cached by integrity under
$XDG_CACHE_HOME/opengps/npm, so a fresh clone on the same machine does not download them twice.
Nothing is fetched at run time: opengps/core/pdf.py only reads var/assets/fonts/, and
var/assets/static/ (Apache ECharts and the boundaries of Hunan for the statistics dashboards, and the
pages' web fonts) is a STATICFILES_DIRS folder that whitenoise serves like the project's own static files.

A package may also carry a "select" list (the web fonts from @fontsource): rules, each a glob of
tarball paths and a destination, from which `--update` writes the package's "files" (every member,
its destination and sha256) so the lock is never written by hand. A rule with the filter
"woff2-only" is a fontsource stylesheet: its woff fallbacks are dropped from each src (every browser
the platform supports reads woff2), the woff2 files it names come along into the folder beside it,
and the sha256 pinned for it is that of the filtered stylesheet as written.
`scripts/assets.py --update [NAME[@VERSION] ...]` re-derives those entries, first taking a new
version's integrity from the registry when one is named.

The registry is, in order: $NPM_CONFIG_REGISTRY (or $npm_config_registry), `npm config get
registry` when npm is installed, or a `registry=` line in ~/.npmrc; with none of them it stops and
says how to name one (no registry address is written into the project).
"""

from __future__ import annotations

import argparse
import base64
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path, PurePosixPath
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "assets.lock.json"
DEST = ROOT / "var" / "assets"
STAMP = ".installed"
WOFF2_ONLY = "woff2-only"
# a fontsource src list: url(a.woff2) format('woff2'), url(a.woff) format('woff')
WOFF_FALLBACK = re.compile(r",\s*url\([^)]*\.woff\)\s*format\(['\"]woff['\"]\)")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)")


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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_ok(path: Path, expected: str) -> bool:
    return path.is_file() and sha256_of(path) == expected


def woff2_only(css: bytes) -> bytes:
    """A fontsource stylesheet without its woff fallbacks, so it names only the woff2 files we keep."""
    text = WOFF_FALLBACK.sub("", css.decode("utf-8"))
    if any(url.endswith(".woff") for url in CSS_URL.findall(text)):
        raise SystemExit("assets: a stylesheet still names a woff file after dropping the fallbacks")
    return text.encode("utf-8")


FILTERS = {WOFF2_ONLY: woff2_only}


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
                if "filter" in spec:
                    out.write(FILTERS[spec["filter"]](source.read()))
                else:
                    shutil.copyfileobj(source, out, 1 << 20)
            written = Path(out.name)
            if not sha256_ok(written, spec["sha256"]):
                written.unlink()
                raise SystemExit(f"assets: {member.name} in {tarball.name} does not match its pinned sha256")
            written.chmod(0o644)
            written.replace(target)
    if wanted:
        raise SystemExit(f"assets: {tarball.name} lacks {', '.join(sorted(wanted))}")


def css_files(css_member: str, css_to: str, css: bytes) -> dict[str, str]:
    """The files a stylesheet names by a relative url(...): tarball member -> destination."""
    named: dict[str, str] = {}
    for url in CSS_URL.findall(css.decode("utf-8")):
        relative = PurePosixPath(url)
        if relative.is_absolute() or ".." in relative.parts or ":" in url:
            raise SystemExit(f"assets: {css_member} names {url}, outside its own folder")
        member = str(PurePosixPath(css_member).parent / relative)
        named[member] = str(PurePosixPath(css_to).parent / relative)
    return named


def select(tarball: Path, rules: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """A package's "files" from its "select" rules: every matching member with its sha256 as written."""
    with tarfile.open(tarball, "r:gz") as archive:
        members = {m.name: m for m in archive if m.isfile()}

        def read(name: str) -> bytes:
            source = archive.extractfile(members[name])
            assert source is not None
            return source.read()

        files: dict[str, dict[str, str]] = {}
        for rule in rules:
            matches = sorted(name for name in members if fnmatch.fnmatchcase(name, rule["glob"]))
            if not matches:
                raise SystemExit(f"assets: {tarball.name} has nothing matching {rule['glob']}")
            for name in matches:
                to = rule["to"] + PurePosixPath(name).name if rule["to"].endswith("/") else rule["to"]
                data = read(name)
                spec = {"to": to}
                if "filter" in rule:
                    spec["filter"] = rule["filter"]
                    data = FILTERS[rule["filter"]](data)
                files[name] = {**spec, "sha256": hashlib.sha256(data).hexdigest()}
                if rule.get("filter") == WOFF2_ONLY:
                    for member, target in css_files(name, to, data).items():
                        if member not in members:
                            raise SystemExit(f"assets: {name} names {member}, which {tarball.name} lacks")
                        files[member] = {"to": target, "sha256": hashlib.sha256(read(member)).hexdigest()}
    return dict(sorted(files.items()))


def split_spec(spec: str) -> tuple[str, str]:
    """NAME or NAME@VERSION (a scoped NAME begins with @)."""
    name, at, version = spec[1:].partition("@")
    return spec[0] + name, version if at else ""


def integrity_of(base: str, name: str, version: str) -> str:
    url = f"{base.rstrip('/')}/{urllib.parse.quote(name, safe='@')}/{urllib.parse.quote(version)}"
    with urllib.request.urlopen(url, timeout=60) as response:
        return str(json.load(response)["dist"]["integrity"])


def update(lock: dict[str, Any], wanted: list[str]) -> int:
    """Re-derive the "files" of the packages that have "select" rules (all of them, or those named)."""
    asked = dict(split_spec(spec) for spec in wanted)
    unknown = set(asked) - {p["name"] for p in lock["npm"] if "select" in p}
    if unknown:
        raise SystemExit(f"assets: no package with select rules named {', '.join(sorted(unknown))}")
    base = ""
    for package in lock["npm"]:
        if "select" not in package or (asked and package["name"] not in asked):
            continue
        version = asked.get(package["name"]) or package["version"]
        if version != package["version"]:
            base = base or registry()
            package["version"], package["integrity"] = version, integrity_of(base, package["name"], version)
        package["files"] = select(fetch(package, base or registry()), package["select"])
        print(f"assets: {package['name']}@{version}: {len(package['files'])} files", flush=True)
    LOCK.write_text(json.dumps(lock, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEST, help="where to put the files (default var/assets)")
    parser.add_argument(
        "--update",
        nargs="*",
        metavar="NAME[@VERSION]",
        help="rewrite the lock's files of the packages with select rules (all, or those named), then stop",
    )
    args = parser.parse_args(argv)
    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    if args.update is not None:
        return update(lock, args.update)
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
