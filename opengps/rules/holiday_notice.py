"""Reads the State Council's annual holiday notice into days off and make-up working days.

Each autumn the General Office of the State Council publishes 国务院办公厅关于20XX年部分节假日安排的
通知 (国办发明电), which places the statutory holidays of 全国年节及纪念日放假办法 (1999年发布，
2024年11月10日修订；第二条：元旦、春节、清明节、劳动节、端午节、中秋节、国庆节) in next year's calendar
and names the weekend days worked instead (调休). The wording is the same every year::

    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。
    1月26日（周日）、2月8日（周六）上班。

`parse_notice` turns the pasted text into the data `calendar.register_year` takes: every day off of
each holiday block (weekend days inside a block included, "与周末连休" weekends not — the notice does
not make them holidays) and the make-up working days. It refuses rather than guesses: an item it
cannot read, a block whose length differs from the stated 共N天, or a weekday that does not match
its date is an error naming the line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from opengps.rules.base import RuleError

CITATION = "国务院办公厅关于部分节假日安排的通知；全国年节及纪念日放假办法 第二条"

HOLIDAYS: tuple[str, ...] = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
"""The statutory holidays of 全国年节及纪念日放假办法 §2, in calendar order."""

_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        **{name: name for name in HOLIDAYS},
        "清明": "清明节",
        "国际劳动节": "劳动节",
        "端午": "端午节",
        "中秋": "中秋节",
        "国庆": "国庆节",
    }
)
_NAME = "|".join(sorted(map(re.escape, _ALIASES), key=len, reverse=True))
_ENUM = "[一二三四五六七八九十]+、"
_WEEKDAYS = "一二三四五六日"


def _date_pattern(prefix: str = "", *, month_required: bool = True) -> str:
    """A date of the notice, ``[YYYY年]M月D日[（note）]``; named groups when `prefix` is given."""

    def group(name: str, body: str) -> str:
        return f"(?P<{prefix}{name}>{body})" if prefix else f"(?:{body})"

    year = group("y", r"\d{4}") + "年"
    month = group("m", r"\d{1,2}") + "月"
    day = group("d", r"\d{1,2}") + "日"
    note = r"\(" + group("note", r"[^()]*") + r"\)"
    return f"(?:{year})?{month if month_required else f'(?:{month})?'}{day}(?:{note})?"


_TITLE = re.compile(r"关于(\d{4})年(?:部分)?节假日安排的通知")
_REFERENCE = re.compile(r"国办发明电[〔\[(]\d{4}[〕\])]\d+号")
_ITEM_BREAK = re.compile(rf"(?<=。)\s*(?={_ENUM})")
_HEADER = re.compile(rf"^(?P<enum>{_ENUM})?(?P<names>(?:{_NAME})(?:[、和与](?:{_NAME}))*):(?P<body>.*)$")
_BLOCK = re.compile(
    rf"^{_date_pattern('a')}(?:[至~\-—–]{_date_pattern('b', month_required=False)})?"
    r"放假(?:调休)?(?:共?(?P<n>\d+)天)?$"
)
_TOTAL = re.compile(r"^共(\d+)天$")
_DATE = re.compile(_date_pattern("w"))
_WORKDAYS = re.compile(rf"^{_date_pattern()}(?:、{_date_pattern()})*上班$")
_STATED_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_BARE_DATE = re.compile(r"\d{1,2}日")
_PARENTHESES = re.compile(r"\([^()]*\)")


@dataclass(frozen=True, slots=True)
class NoticeItem:
    """One numbered item of the notice: a holiday block and the weekend days worked for it."""

    line: int
    """1-based line of the pasted text where the item starts."""
    text: str
    names: tuple[str, ...]
    """The holidays of the block (two when they are combined, e.g. 国庆节、中秋节)."""
    first: date
    last: date
    workdays: tuple[date, ...]

    @property
    def name(self) -> str:
        return "、".join(self.names)

    @property
    def days(self) -> int:
        """Length of the block, weekend days included (the notice's 共N天)."""
        return (self.last - self.first).days + 1


@dataclass(frozen=True, slots=True)
class ParsedNotice:
    """A State Council holiday notice read into dates."""

    year: int
    holidays: Mapping[date, str]
    """Every day off inside a holiday block, with the holiday's name, in date order."""
    workdays: tuple[date, ...]
    """Make-up working days (调休上班日), in date order."""
    items: tuple[NoticeItem, ...]
    reference: str = ""
    """The document number, e.g. 国办发明电〔2024〕12号, when the pasted text has it."""

    @property
    def lines(self) -> tuple[tuple[int, str], ...]:
        """The (line number, text) of every item the holidays and workdays were read from."""
        return tuple((item.line, item.text) for item in self.items)

    @property
    def title(self) -> str:
        return f"国务院办公厅关于{self.year}年部分节假日安排的通知"

    @property
    def source(self) -> str:
        """What to store as the source of the year's calendar."""
        return f"{self.title}（{self.reference}）" if self.reference else self.title


@dataclass(slots=True)
class _Draft:
    line: int
    text: str
    names: tuple[str, ...]
    first: date | None = None
    last: date | None = None
    stated: list[int] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)


def _normalize(text: str) -> str:
    """Full-width digits and punctuation as ASCII (（→(, ：→:, ，→,), whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _line_error(code: str, line: int, text: str, why_zh: str, why_en: str) -> RuleError:
    return RuleError(
        code,
        f"第 {line} 行“{text}”：{why_zh}",
        f"Line {line} (“{text}”): {why_en}",
        CITATION,
        params={"line": line, "text": text},
    )


def _unparsed(line: int, text: str) -> RuleError:
    return _line_error(
        "calendar.notice_unparsed",
        line,
        text,
        "无法识别的节假日安排，应为“春节：1月28日（周二）至2月4日（周二）放假调休，共8天。"
        "1月26日（周日）上班。”的写法",
        "a holiday item that cannot be read; the notice's form is "
        "“春节：1月28日（周二）至2月4日（周二）放假调休，共8天。1月26日（周日）上班。”",
    )


def _to_date(match: re.Match[str], prefix: str, year: int, month: int, line: int, text: str) -> date:
    """The date of one matched date pattern; a year or month it leaves out is `year` or `month`."""
    year_text, month_text = match.group(f"{prefix}y"), match.group(f"{prefix}m")
    try:
        day = date(
            int(year_text) if year_text else year,
            int(month_text) if month_text else month,
            int(match.group(f"{prefix}d")),
        )
    except ValueError:
        raise _line_error("calendar.notice_invalid_date", line, text, "日期不存在", "no such date") from None
    for stated in _STATED_WEEKDAY.findall(match.group(f"{prefix}note") or ""):
        if _WEEKDAYS.index(stated.replace("天", "日")) != day.weekday():
            raise _line_error(
                "calendar.notice_weekday",
                line,
                text,
                f"{day.month}月{day.day}日不是星期{stated}",
                f"{day.isoformat()} is not the weekday the notice states (星期{stated})",
            )
    return day


def _read_clause(draft: _Draft, clause: str, year: int, line: int, text: str) -> None:
    """Apply one comma- or period-separated clause of an item to its draft."""
    block = _BLOCK.match(clause)
    if block and draft.first is None:
        draft.first = _to_date(block, "a", year, 0, line, text)
        end_year = int(block.group("ay") or year)
        draft.last = (
            _to_date(block, "b", end_year, draft.first.month, line, text)
            if block.group("bd")
            else draft.first
        )
        if draft.last < draft.first:
            raise _line_error(
                "calendar.notice_invalid_date",
                line,
                text,
                "放假结束日早于开始日",
                "the holiday block ends before it starts",
            )
        if block.group("n"):
            draft.stated.append(int(block.group("n")))
        return
    total = _TOTAL.match(clause)
    if total and draft.first is not None:
        draft.stated.append(int(total.group(1)))
        return
    if _WORKDAYS.match(clause):
        draft.workdays.extend(_to_date(m, "w", year, 0, line, text) for m in _DATE.finditer(clause))
        return
    # Anything else must be prose ("与周末连休", "鼓励各单位……安排职工在除夕（2月9日）休息"): no date
    # outside parentheses and no 放假/上班, else it is a holiday item written in a form we cannot read.
    plain = _PARENTHESES.sub("", clause)
    if "放假" in plain or "上班" in plain or _BARE_DATE.search(plain) or total:
        raise _unparsed(line, text)


def _clauses(body: str) -> list[str]:
    """Split at 。；，outside parentheses (a date's note may hold 、 but is kept whole)."""
    parts: list[str] = []
    depth, current = 0, ""
    for char in body:
        depth = max(0, depth + (char == "(") - (char == ")"))
        if depth == 0 and char in "。;,":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [part for part in parts if part]


def _looks_like_item(plain: str) -> bool:
    return bool(re.search(r"\d{1,2}月\d{1,2}日", plain)) and ("放假" in plain or "上班" in plain)


def _finish(draft: _Draft) -> NoticeItem:
    if draft.first is None or draft.last is None:
        raise _unparsed(draft.line, draft.text)
    count = (draft.last - draft.first).days + 1
    for stated in draft.stated:
        if stated != count:
            raise _line_error(
                "calendar.notice_day_count",
                draft.line,
                draft.text,
                f"写明共 {stated} 天，但 {draft.first.month}月{draft.first.day}日至"
                f"{draft.last.month}月{draft.last.day}日是 {count} 天",
                f"states {stated} days, but {draft.first.isoformat()} to {draft.last.isoformat()} "
                f"is {count} days",
            )
    return NoticeItem(
        line=draft.line,
        text=draft.text,
        names=draft.names,
        first=draft.first,
        last=draft.last,
        workdays=tuple(draft.workdays),
    )


def _notice_year(normalized: str, year: int | None) -> int:
    title = _TITLE.search(normalized)
    title_year = int(title.group(1)) if title else None
    if year is not None and title_year is not None and year != title_year:
        raise RuleError(
            "calendar.notice_year_mismatch",
            f"通知标题是 {title_year} 年的节假日安排，不是 {year} 年的",
            f"The notice's title is for {title_year}, not {year}",
            CITATION,
            params={"year": year, "title_year": title_year},
        )
    chosen = year if year is not None else title_year
    if chosen is None:
        raise RuleError(
            "calendar.notice_year_missing",
            "未找到通知的年份：请粘贴含标题的全文（如“国务院办公厅关于2027年部分节假日安排的通知”），或注明年份",
            "The notice's year was not found: paste it with its title "
            "(e.g. 国务院办公厅关于2027年部分节假日安排的通知) or give the year",
            CITATION,
        )
    return chosen


def _items(text: str, year: int) -> list[NoticeItem]:
    items: list[NoticeItem] = []
    draft: _Draft | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        for segment in filter(None, (part.strip() for part in _ITEM_BREAK.split(raw))):
            normalized = _normalize(segment)
            header = _HEADER.match(normalized)
            item_like = _looks_like_item(_PARENTHESES.sub("", normalized))
            if header:
                if draft is not None:
                    items.append(_finish(draft))
                names = tuple(dict.fromkeys(_ALIASES[n] for n in re.split("[、和与]", header["names"])))
                draft = _Draft(number, segment, names)
                body = header["body"]
            elif re.match(_ENUM, normalized) or (item_like and draft is None):
                raise _unparsed(number, segment)
            elif draft is not None and item_like:
                draft.text += " " + segment  # the item goes on in the next pasted line
                body = normalized
            else:
                if draft is not None:
                    items.append(_finish(draft))
                draft = None
                continue
            for clause in _clauses(body):
                _read_clause(draft, clause, year, number, segment)
    if draft is not None:
        items.append(_finish(draft))
    return items


def parse_notice(text: str, year: int | None = None) -> ParsedNotice:
    """The holidays and make-up working days of a pasted State Council holiday notice.

    The year is taken from the title (国务院办公厅关于2025年部分节假日安排的通知) or from `year`; when
    both are given they must agree. Dates without a year are in that year; a notice may write one
    out (2018年12月30日至2019年1月1日), and such days are kept as written. Raises RuleError:
    ``calendar.notice_unparsed`` (an item line in an unknown form), ``calendar.notice_day_count``
    (共N天 differs from the block), ``calendar.notice_weekday`` (周X differs from the date),
    ``calendar.notice_invalid_date``, ``calendar.notice_overlap`` (a day twice), each naming the line
    (params ``line`` and ``text``); ``calendar.notice_year_missing``, ``calendar.notice_year_mismatch``
    and ``calendar.notice_empty`` (no holiday at all).
    """
    notice_year = _notice_year(_normalize(text), year)
    items = _items(text, notice_year)
    if not items:
        raise RuleError(
            "calendar.notice_empty",
            "未找到任何节假日安排（如“一、元旦：1月1日（周三）放假1天。”）",
            "No holiday arrangement found (such as “一、元旦：1月1日（周三）放假1天。”)",
            CITATION,
        )
    holidays: dict[date, str] = {}
    workdays: set[date] = set()
    for item in items:
        days = [date.fromordinal(n) for n in range(item.first.toordinal(), item.last.toordinal() + 1)]
        new = [*days, *item.workdays]
        twice = sorted({d for d in new if d in holidays or d in workdays or new.count(d) > 1})
        if twice:
            listed = [d.isoformat() for d in twice]
            raise _line_error(
                "calendar.notice_overlap",
                item.line,
                item.text,
                "日期在通知中出现两次：" + "、".join(listed),
                "a date appears twice in the notice: " + ", ".join(listed),
            )
        holidays.update(dict.fromkeys(days, item.name))
        workdays.update(item.workdays)
    reference = _REFERENCE.search(_normalize(text))
    return ParsedNotice(
        year=notice_year,
        holidays=MappingProxyType(dict(sorted(holidays.items()))),
        workdays=tuple(sorted(workdays)),
        items=tuple(items),
        reference=reference.group(0) if reference else "",
    )
