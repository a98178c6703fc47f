"""Labels, never codes: every page of the demo, as every demo login and anonymously, in Chinese and
English, scanned for internal codes, raw region codes, raw JSON and English left in the Chinese UI.

The demo is loaded once for this module (as `test_demo` does). For each login and language a client
follows the same-site GET links from the home page (breadth first), a few pages per URL pattern and
a bounded number in all, and scans the text a reader sees: tags, attributes, scripts and styles are
dropped; `<code>`/`<pre>` content is kept, as it is on the screen. Each finding names the page, the
login, the language and the token.
"""

from __future__ import annotations

import os
import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from opengps.workbench.tests.test_demo import Demo, anchored, demo

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]
__all__ = ["anchored", "demo"]

LANGUAGES = ("zh-hans", "en")
PAGES_PER_CRAWL = int(os.environ.get("OPENGPS_DISPLAY_SCAN_PAGES", "10"))
"""Pages per login and language. Each login reads first the pages of URL patterns no one has read
yet, so the runs together cover every pattern before a second page of one. A count, not a time box:
the same pages are read however busy the machine is. `OPENGPS_DISPLAY_SCAN_PAGES=400` reads
everything the links reach (about 3,500 pages)."""
PER_PATTERN = 3
"""Pages per URL pattern (and set of query keys): objects in different states render differently,
but the hundredth organization page shows nothing the third did not."""

SKIP_PREFIXES = ("/api/", "/admin/", "/i18n/", "/static/", "/media/", "/metrics", "/healthz", "/readyz")
SKIP_PARTS = ("logout", "download", "export", "set_language")
SKIP_SUFFIXES = (".pdf", ".json", ".xlsx", ".xls", ".csv", ".xml", ".zip", ".txt", ".ics", ".jsonl", ".gz")
"""Not pages: the API, the admin site, language switching, files (their content is data, not UI)."""

HIDDEN_TAGS = {"script", "style", "template", "noscript", "svg", "textarea"}
"""Not read as text: code, styles, and a textarea's content, which is a form's value (as an input's
`value` attribute is), not the page's wording."""
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}

# --- what a reader must not see -------------------------------------------------------------------

SNAKE = re.compile(r"(?<![\w.@/-])[a-z]+(?:_[a-z0-9]+)+(?![\w@/-])")
"""An identifier such as `social_organization`."""

REGION = re.compile(r"(?<![0-9A-Za-z〔\[（(.*-])43\d{4}(?![0-9A-Za-z〕\]）)*]|\.\d|[ \t]?[\u4e00-\u9fff])")
"""A GB/T 2260 code of Hunan shown alone: not inside a USCC (18 characters), a masked ID number, a
document number or an amount, nor followed by the division's name (a region picker's options)."""

JSON = re.compile(r"[{\[]\s*[\"'][^\"'\n]{1,60}[\"']\s*[:,\]]|\[\s*\{")
"""The start of a JSON (or Python) object or array: `{"key":`, `["a",`, `[{`."""

ENGLISH_WORD = re.compile(r"(?<![A-Za-z0-9_.@/:-])[A-Za-z]{3,}(?![A-Za-z0-9_@/-])")

DATA = re.compile(
    r"-----BEGIN [A-Z ]+-----.*?-----END [A-Z ]+-----"  # a PEM key
    r"|https?://\S+"  # an address
    r"|《[^》]*》"  # a cited title, as published (OCP《Red Flags for Integrity》)
    r"|[A-Za-z0-9+/=_-]*\d[A-Za-z0-9+/=_-]*[A-Za-z][A-Za-z0-9+/=_-]{14,}"  # hashes, signatures
    r"|[A-Za-z0-9+/=_-]*[A-Za-z][A-Za-z0-9+/=_-]*\d[A-Za-z0-9+/=_-]{14,}",
    re.DOTALL,
)
"""Shown as data, not as words: keys, addresses, cited titles, hashes and signatures (mixed letters
and digits, 16 characters or more) are blanked out before the scan."""

EXEMPT: dict[str, set[str]] = {
    # the open-data documentation names OCDS fields (`contracts.implementation`), codelist values
    # (`awardNotice`) and HTTP terms (`GET`, `Link`) as the standard spells them
    "/opendata/": {"english", "event code"},
}
"""Kinds of findings a page legitimately shows, by its exact path."""

ALLOWED_ENGLISH = {
    "OpenGPS",
    "OCDS",
    "API",
    "USCC",
    "PDF",
    "Excel",
    "JSON",
    "CSV",
    "English",
    "OCID",
    "TOTP",
    "URL",
    "HTTPS",
    "GB/T",
    "ISO",
    "UTC",
    "CPA",
    "PPP",
    "IATI",
    "Giving",
    "GiveThanks",
    "RSS",
    "Atom",
    "OCP",  # Open Contracting Partnership, the publisher of a cited indicator set
    "RFC",  # an Internet standard cited by number
    "Microsoft",  # authenticator apps named on the two-step sign-in page
    "Google",
    "Authenticator",
    "FreeOTP",
    "ECharts",  # the charting library's licence notice
    "Apache",
    "MIT",
}
"""Proper nouns, standards and file formats that stay in Latin letters in the Chinese UI."""


@dataclass(frozen=True)
class Finding:
    page: str
    login: str
    language: str
    kind: str
    token: str
    context: str

    def __str__(self) -> str:
        who = self.login or "(anonymous)"
        return f"{self.language} {who} {self.page} [{self.kind}] {self.token!r} … {self.context}"


class _Page(HTMLParser):
    """The text a reader sees (with its block breaks) and the page's links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._untranslated: list[str] = []  # the open elements marked translate="no"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self._hidden += 1
        if ("translate", "no") in attrs and tag not in VOID_TAGS:
            # HTML's own mark for content that is not language (user agents, identifiers)
            self._untranslated.append(tag)
            self._hidden += 1
        elif self._untranslated and tag == self._untranslated[-1] and tag not in VOID_TAGS:
            self._untranslated.append(f"+{tag}")  # the same element nested inside
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        if tag not in VOID_TAGS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS and self._hidden:
            self._hidden -= 1
        if self._untranslated and self._untranslated[-1] == f"+{tag}":
            self._untranslated.pop()
        elif self._untranslated and self._untranslated[-1] == tag:
            self._untranslated.pop()
            self._hidden -= 1
        self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 40) : end + 40].split())


def scan_text(text: str, *, page: str, login: str, language: str) -> list[Finding]:
    """The findings in one page's visible text; each token is reported once, under the first kind
    that matches it (JSON, code, event code, region code, English word)."""
    found: list[Finding] = []
    shown = text

    def add(kind: str, match: re.Match[str]) -> None:
        found.append(Finding(page, login, language, kind, match.group(0), _context(shown, *match.span())))

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    for match in JSON.finditer(text):
        add("json", match)
    text = JSON.sub(blank, DATA.sub(blank, text))
    exempt = EXEMPT.get(page.split("?")[0], set())
    # a login name is what a person types to sign in: the sign-in and account pages show them
    names = _usernames() if page.startswith("/accounts/") else set()
    checks = [("code", SNAKE), ("event code", _dotted()), ("region code", REGION)]
    if language.startswith("zh"):
        checks.append(("english", ENGLISH_WORD))
    for kind, pattern in checks:
        for match in pattern.finditer(text):
            token = match.group(0)
            if kind not in exempt and token not in names and token not in ALLOWED_ENGLISH:
                add(kind, match)
        text = pattern.sub(blank, text)
    return found


@cache
def _usernames() -> set[str]:
    from opengps.accounts.models import User

    return set(User.objects.values_list("username", flat=True))


_dotted_pattern: re.Pattern[str] | None = None


def _dotted() -> re.Pattern[str]:
    """`procurement.announced`, `bid.deadline_passed`: an app's or a declared code's prefix, a dot,
    a lower-case name (so that `example.com` or `receipt.json` are not taken for one)."""
    global _dotted_pattern
    if _dotted_pattern is None:
        from django.apps import apps

        from opengps.core.events import declared

        prefixes = {config.label for config in apps.get_app_configs() if config.name.startswith("opengps.")}
        prefixes |= {code.split(".", 1)[0] for code in declared()}
        alternatives = "|".join(sorted(prefixes, key=len, reverse=True))
        _dotted_pattern = re.compile(rf"(?<![\w.@/-])(?:{alternatives})\.[a-z][a-z0-9_]*(?![\w@/-])")
    return _dotted_pattern


# --- the crawl --------------------------------------------------------------------------------------


def _pattern(path: str, query: str) -> str | None:
    """The URL pattern a link belongs to (with its query's keys), or None when it is not a page."""
    if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
        return None
    if any(part in path for part in SKIP_PARTS):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    keys = ",".join(sorted({key for key, _value in parse_qsl(query, keep_blank_values=True)}))
    return f"{match.route}?{keys}"


@dataclass
class Crawl:
    pages: int = 0
    patterns: int = 0
    skipped: int = 0
    cut_short: bool = False


def crawl(
    client: Client,
    *,
    login: str,
    language: str,
    per_pattern: Counter[str],
    everyone: Counter[str],
    limit: int = PAGES_PER_CRAWL,
) -> tuple[list[Finding], Crawl]:
    """Breadth first from the home page, pages of a URL pattern nobody has read yet (in this
    language) first. `per_pattern` counts the pages taken per pattern by the logins of one role (a
    second purchaser visits what the first could not reach); `everyone` counts them for all."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    fresh: deque[str] = deque(["/"])
    more: deque[str] = deque()
    seen: set[str] = {"/"}
    findings: list[Finding] = []
    stats = Crawl()
    while fresh or more:
        if stats.pages >= limit:
            stats.cut_short = True
            break
        url = (fresh or more).popleft()
        response = client.get(url)
        if response.status_code >= 500:
            findings.append(Finding(url, login, language, "server error", str(response.status_code), ""))
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            stats.skipped += 1
            continue
        stats.pages += 1
        parser = _Page()
        parser.feed(response.content.decode())
        findings += scan_text(parser.text, page=url, login=login, language=language)
        for href in parser.links:
            parts = urlsplit(urljoin(url, href))
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen:
                continue
            seen.add(target)
            pattern = _pattern(parts.path, parts.query)
            if pattern is None or per_pattern[pattern] >= PER_PATTERN:
                continue
            per_pattern[pattern] += 1
            (more if everyone[pattern] else fresh).append(target)
            everyone[pattern] += 1
    stats.patterns = len(per_pattern)
    return findings, stats


def crawl_all(
    *,
    users: Iterable[str] | None = None,
    languages: Iterable[str] = LANGUAGES,
    pages_per_crawl: int = PAGES_PER_CRAWL,
) -> tuple[list[Finding], dict[str, Crawl]]:
    from opengps.accounts.models import User

    logins = [""] + [u.username for u in User.objects.order_by("pk")] if users is None else list(users)
    roles = {u.username: u.role for u in User.objects.filter(username__in=logins)}
    runs = [(login, language) for login in logins for language in languages]
    shared: dict[tuple[str, str], Counter[str]] = {}
    everyone: dict[str, Counter[str]] = {}
    languages = tuple(languages)
    for language in languages:  # the first request loads every URL module
        warm = Client(raise_request_exception=False)
        warm.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        warm.get("/")
    findings: list[Finding] = []
    stats: dict[str, Crawl] = {}
    for login, language in runs:
        client = Client(raise_request_exception=False)
        if login:
            client.force_login(User.objects.get(username=login))
        found, stats[f"{login or '(anonymous)'}/{language}"] = crawl(
            client,
            login=login,
            language=language,
            limit=pages_per_crawl,
            per_pattern=shared.setdefault((roles.get(login, ""), language), Counter()),
            everyone=everyone.setdefault(language, Counter()),
        )
        findings += found
    return findings, stats


def test_no_page_shows_a_code_a_region_code_json_or_english_in_the_chinese_ui(
    demo: Demo, anchored: None
) -> None:
    # given every demo login and a visitor, in both languages
    logins = [""] + [login.username for login in demo.summary.logins]
    # when each crawls the pages its links reach
    findings, stats = crawl_all(users=logins)
    # then every login's home page was read, every role went well beyond it…
    assert all(run.pages >= 1 for run in stats.values()), stats
    assert sum(run.pages for run in stats.values()) > 300, stats
    # …and no page shows a code, a raw region code, JSON, English in the Chinese UI, or fails
    assert not findings, report(findings)


def report(findings: list[Finding]) -> str:
    """One line per token and page path (its first occurrence, and how often it recurs)."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.kind, finding.token, finding.page.split("?")[0]), []).append(finding)
    lines = [f"{len(findings)} findings in {len(groups)} groups:"]
    lines += [f"{same[0]} (×{len(same)})" for same in groups.values()]
    return "\n".join(lines)


def test_the_scan_finds_what_it_looks_for() -> None:
    text = (
        "类型：social_organization 操作：procurement.announced 区划：430000\n"
        '证据：{"bids": 3} 进度 served 12 visits\n'
        "统一社会信用代码 52430000MJ0000000X 湘财综〔2022〕28号 金额 430000.00 OpenGPS OCDS PDF\n"
        "身份证号 430100********1497 所在区划 430100 湖南省长沙市 OCP《Red Flags for Integrity》\n"
        "签名 kcj5S6DKYuUaCpr80lnVPZyNn/jytN5erjv0 https://example.org/ocds_release\n"
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEArLPc64iv2Pqq0\n-----END PUBLIC KEY-----"
    )
    found = {(f.kind, f.token) for f in scan_text(text, page="/x/", login="", language="zh-hans")}
    assert found == {
        ("code", "social_organization"),
        ("event code", "procurement.announced"),
        ("region code", "430000"),
        ("json", '{"bids":'),
        ("english", "served"),
        ("english", "visits"),
    }
    # the English UI is not scanned for English; the open-data documentation names OCDS fields
    english = {f.kind for f in scan_text(text, page="/x/", login="", language="en")}
    assert "english" not in english and "code" in english
    ocds = scan_text("contracts.implementation awardNotice", page="/opendata/", login="", language="zh-hans")
    assert ocds == []


def test_the_page_reader_keeps_what_is_seen_and_drops_the_rest() -> None:
    page = _Page()
    page.feed(
        '<title>标题</title><script>var a_b = 1;</script><p title="hidden_code">可见</p>'
        '<pre>shown_in_pre</pre><textarea>typed_value</textarea><td translate="no">Mozilla/5.0</td>'
        '<a href="/x/">链接</a>'
    )
    text = " ".join(page.text.split())
    assert text == "标题 可见 shown_in_pre 链接"
    assert page.links == ["/x/"]
