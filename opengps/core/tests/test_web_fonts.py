"""The pages' self-hosted CJK web fonts (issue 18): the fontsource stylesheets pinned in
assets.lock.json are linked from base.html, every file they name is found by the static finders
(var/assets/static, filled by `make assets`), nothing is loaded from another origin, and the design
tokens put Noto Sans SC / Noto Serif SC first; scripts/assets.py keeps only a stylesheet's woff2
and never a file outside its folder. The browser half is tests/browser/test_fonts_browser.py."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path, PurePosixPath
from types import ModuleType

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

ROOT = Path(settings.BASE_DIR)
BASE_HTML = ROOT / "opengps" / "templates" / "base.html"
OPENGPS_CSS = ROOT / "opengps" / "static" / "css" / "opengps.css"
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)")


def _web_font_stylesheets() -> list[str]:
    """The static paths of the fontsource stylesheets the lock extracts (static/fonts/…/*.css)."""
    lock = json.loads((ROOT / "assets.lock.json").read_text(encoding="utf-8"))
    return sorted(
        spec["to"].removeprefix("static/")
        for package in lock["npm"]
        if package["name"].startswith("@fontsource/")
        for spec in package["files"].values()
        if spec["to"].endswith(".css")
    )


def _found(path: str) -> Path:
    found = finders.find(path)
    assert found, f"{path} is not among the static files: run `make assets` (scripts/assets.py)"
    return Path(str(found))


def test_both_faces_regular_and_bold_are_locked() -> None:
    assert _web_font_stylesheets() == [
        "fonts/noto-sans-sc/400.css",
        "fonts/noto-sans-sc/700.css",
        "fonts/noto-serif-sc/400.css",
        "fonts/noto-serif-sc/700.css",
    ]


def test_every_stylesheet_is_linked_from_the_base_template() -> None:
    template = BASE_HTML.read_text(encoding="utf-8")
    for stylesheet in _web_font_stylesheets():
        assert f'<link rel="stylesheet" href="{{% static \'{stylesheet}\' %}}">' in template, stylesheet


def test_every_file_a_stylesheet_names_is_a_static_file_of_this_server() -> None:
    for stylesheet in _web_font_stylesheets():
        urls = CSS_URL.findall(_found(stylesheet).read_text(encoding="utf-8"))
        # one woff2 slice per @font-face (by unicode-range), and no other format or origin
        assert len(urls) > 90, stylesheet
        for url in urls:
            assert url.startswith("./files/") and url.endswith(".woff2"), url
            _found(str(PurePosixPath(stylesheet).parent / url))


def test_the_design_tokens_put_the_self_hosted_faces_first() -> None:
    css = OPENGPS_CSS.read_text(encoding="utf-8")
    assert re.search(r"--font-sans:\s*\"Noto Sans SC\",", css)
    assert re.search(r"--font-serif:\s*\"Noto Serif SC\",", css)


def test_the_policy_admits_fonts_from_this_server_only() -> None:
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["font-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]


def _assets_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("assets_script", ROOT / "scripts" / "assets.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_keeps_only_the_woff2_of_a_fontsource_stylesheet() -> None:
    assets = _assets_script()
    packaged = (
        b"@font-face {\n  font-family: 'Noto Sans SC';\n"
        b"  src: url(./files/a-4-400-normal.woff2) format('woff2'),"
        b" url(./files/a-4-400-normal.woff) format('woff');\n}\n"
    )
    kept = assets.woff2_only(packaged)
    assert kept == packaged.replace(b", url(./files/a-4-400-normal.woff) format('woff')", b"")
    assert assets.css_files("package/400.css", "static/fonts/a/400.css", kept) == {
        "package/files/a-4-400-normal.woff2": "static/fonts/a/files/a-4-400-normal.woff2"
    }


def test_the_build_refuses_a_stylesheet_naming_a_file_outside_its_folder() -> None:
    assets = _assets_script()
    for url in (b"../../etc/passwd", b"/etc/passwd", b"https://cdn.example/x.woff2"):
        with pytest.raises(SystemExit):
            assets.css_files("package/400.css", "static/fonts/a/400.css", b"src: url(" + url + b");")
