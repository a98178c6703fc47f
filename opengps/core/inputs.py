"""Input bounds shared by every API schema and form: clean text, amounts, years, dates, counts.

The database is the last word on what a value may be (a ``CharField(max_length=200)``, a
``DecimalField(max_digits=14, decimal_places=2)``, a ``PositiveSmallIntegerField``); a value the
database would refuse must be refused here first, with a field-specific message, never reach it and
come back as a 500. The types below are pydantic ``Annotated`` types for django-ninja schemas and
query parameters; `clean_text`, `parse_year`, `parse_int`, `check_deadline` and `as_id` are the same
checks for hand-parsed forms and query strings. `opengps.core.middleware.UnstorableTextMiddleware`
refuses NUL and unpaired surrogates in any query, JSON or form body as well.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import AfterValidator, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from opengps.core import clock
from opengps.core.errors import ServiceError

# --- text ------------------------------------------------------------------------------------------------

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

#: The longest free text (a TextField: requirements, documents, findings) any form or API accepts.
LONG_TEXT = 50_000


def text_problem(value: str) -> tuple[str, str] | None:
    """``(code, message)`` when `value` holds a character no database column can store: NUL (which
    PostgreSQL refuses in text) or an unpaired UTF-16 surrogate (which is not Unicode text at all)."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "text.nul", gettext("不能包含空字符（NUL）")
    return "text.surrogate", gettext("包含无效的 Unicode 字符（未配对的代理码位）")


def clean_text(value: str, *, max_length: int | None = None) -> str:
    """`value` unchanged if it is storable text of at most `max_length` characters; else ValueError
    with the message to show beside the field."""
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem[1])
    if max_length is not None and len(value) > max_length:
        raise ValueError(
            gettext("最多 %(max)s 个字符（当前 %(length)s 个）") % {"max": max_length, "length": len(value)}
        )
    return value


def _clean(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise PydanticCustomError(problem[0], problem[1])
    return value


_CLEAN = AfterValidator(_clean)

#: Free text (TextField) — bounded so a request cannot fill the disk.
Text = Annotated[str, _CLEAN, Field(max_length=LONG_TEXT)]
# Short text, named by the CharField max_length it is stored in.
Str2 = Annotated[str, _CLEAN, Field(max_length=2)]
Str8 = Annotated[str, _CLEAN, Field(max_length=8)]
Str10 = Annotated[str, _CLEAN, Field(max_length=10)]
Str12 = Annotated[str, _CLEAN, Field(max_length=12)]
Str14 = Annotated[str, _CLEAN, Field(max_length=14)]
Str16 = Annotated[str, _CLEAN, Field(max_length=16)]
Str18 = Annotated[str, _CLEAN, Field(max_length=18)]
Str20 = Annotated[str, _CLEAN, Field(max_length=20)]
Str24 = Annotated[str, _CLEAN, Field(max_length=24)]
Str30 = Annotated[str, _CLEAN, Field(max_length=30)]
Str32 = Annotated[str, _CLEAN, Field(max_length=32)]
Str40 = Annotated[str, _CLEAN, Field(max_length=40)]
Str60 = Annotated[str, _CLEAN, Field(max_length=60)]
Str64 = Annotated[str, _CLEAN, Field(max_length=64)]
Str80 = Annotated[str, _CLEAN, Field(max_length=80)]
Str100 = Annotated[str, _CLEAN, Field(max_length=100)]
Str120 = Annotated[str, _CLEAN, Field(max_length=120)]
Str200 = Annotated[str, _CLEAN, Field(max_length=200)]
Str300 = Annotated[str, _CLEAN, Field(max_length=300)]
Str500 = Annotated[str, _CLEAN, Field(max_length=500)]

# --- numbers ---------------------------------------------------------------------------------------------

INT32_MAX = 2**31 - 1
SMALLINT_MAX = 2**15 - 1
BIGINT_MAX = 2**63 - 1

#: Yuan in a ``DecimalField(max_digits=14, decimal_places=2)``: 0 … 999,999,999,999.99, never more than
#: two decimals (1.005 is refused, not rounded — the payer must say which fen they mean).
Yuan = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
#: A quantity in a ``DecimalField(max_digits=14, decimal_places=2)`` (the same bounds as `Yuan`).
Quantity = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
#: A unit price in a ``DecimalField(max_digits=12, decimal_places=2)``.
Price = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False)]
#: A score or points in a ``DecimalField(max_digits=6, decimal_places=2)`` (0 … 9999.99).
Score = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2, allow_inf_nan=False)]
#: A pass mark in a ``DecimalField(max_digits=5, decimal_places=2)`` (0 … 999.99).
Points = Annotated[Decimal, Field(ge=0, max_digits=5, decimal_places=2, allow_inf_nan=False)]
#: A weight or rate in a ``DecimalField(max_digits=5, decimal_places=4)`` (0 … 9.9999).
Rate = Annotated[Decimal, Field(ge=0, max_digits=5, decimal_places=4, allow_inf_nan=False)]
#: A measured value or ratio (max_digits=12, 4 decimals), signed.
Measure = Annotated[Decimal, Field(max_digits=12, decimal_places=4, allow_inf_nan=False)]
#: A fiscal / report year: inside the window the platform's rules have data for, and a smallint.
YEAR_MIN, YEAR_MAX = 2000, 2100
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
#: A database id (BigAutoField).
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
#: A count or a number of days that fits an ``IntegerField`` / ``PositiveIntegerField``.
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
#: A count stored in a ``PositiveSmallIntegerField``.
SmallCount = Annotated[int, Field(ge=0, le=SMALLINT_MAX)]
#: A list position / page number.
Page = Annotated[int, Field(ge=1, le=1_000_000)]

# --- dates -----------------------------------------------------------------------------------------------

#: Dates a person may type: a founding date of an old association … a contract term's end. Anything
#: outside is a typo, and date arithmetic near 9999-12-31 overflows.
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
#: How far ahead a bid deadline (or a clarification's new deadline) may be set. Statute sets only
#: minimum periods; a deadline more than a year out is a typo (9999-12-31), and the holiday calendar is
#: published one year at a time, so later dates could not be judged anyway.
DEADLINE_MAX_MONTHS = 12


def _date_in_window(value: dt.date) -> dt.date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise PydanticCustomError(
            "date.out_of_range",
            gettext("日期应在 %(min)s 至 %(max)s 之间") % {"min": DATE_MIN, "max": DATE_MAX},
        )
    return value


#: Real-world UTC offsets run from −12:00 to +14:00; PostgreSQL refuses beyond ±15:59 (a 500).
MAX_UTC_OFFSET = dt.timedelta(hours=14)


def _moment_in_window(value: dt.datetime) -> dt.datetime:
    _date_in_window(value.date())
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        raise PydanticCustomError("date.out_of_range", gettext("时区偏移应在 -12:00 至 +14:00 之间"))
    return value


Date = Annotated[dt.date, AfterValidator(_date_in_window)]
DateTime = Annotated[dt.datetime, AfterValidator(_moment_in_window)]


def deadline_problem(value: dt.datetime) -> str | None:
    """Why `value` cannot be a deadline (more than `DEADLINE_MAX_MONTHS` ahead of the one clock), or
    None. Statute sets minimum periods; the earliest lawful deadline is the services' to judge."""

    latest = clock.now() + dt.timedelta(days=366 * DEADLINE_MAX_MONTHS // 12)
    aware = value if value.tzinfo is not None else value.replace(tzinfo=clock.BEIJING)
    if aware <= latest:
        return None
    return gettext("截止时间最晚为 %(months)s 个月后（%(latest)s 之前）") % {
        "months": DEADLINE_MAX_MONTHS,
        "latest": clock.local_date(latest).isoformat(),
    }


def check_deadline(value: dt.datetime, *, field: str) -> dt.datetime:
    """`value` if it is a sane deadline (see `deadline_problem`); else ServiceError on `field` (forms)."""
    problem = deadline_problem(value)
    if problem is not None:
        raise ServiceError("request.deadline_too_far", problem, field=field)
    return value


def _deadline_in_window(value: dt.datetime) -> dt.datetime:
    problem = deadline_problem(value)
    if problem is not None:
        raise PydanticCustomError("deadline.too_far", problem)
    return _moment_in_window(value)


#: A bid deadline: at most `DEADLINE_MAX_MONTHS` ahead of the one clock.
Deadline = Annotated[dt.datetime, AfterValidator(_deadline_in_window)]


# --- schemas ---------------------------------------------------------------------------------------------


class PatchIn(Schema):
    """A PATCH body: a field left out keeps its value; an explicit ``null`` is refused for every field
    not listed in `nullable` (the column cannot hold it), beside that field."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise PydanticCustomError("null_not_allowed", gettext("不能为空（null）；不修改时请省略此字段"))
        return value


# --- errors ----------------------------------------------------------------------------------------------

_MESSAGES: dict[str, Any] = {
    "missing": _("必填"),
    "string_type": _("应为文本"),
    "string_too_long": _("最多 %(max_length)s 个字符"),
    "string_too_short": _("至少 %(min_length)s 个字符"),
    "int_type": _("应为整数"),
    "int_parsing": _("应为整数"),
    "int_from_float": _("应为整数"),
    "int_parsing_size": _("数值过大"),
    "float_type": _("应为数字"),
    "float_parsing": _("应为数字"),
    "decimal_type": _("应为十进制数字（如 1234.50）"),
    "decimal_parsing": _("应为十进制数字（如 1234.50）"),
    "decimal_max_places": _("最多 %(decimal_places)s 位小数（不会自动四舍五入）"),
    "decimal_max_digits": _("数值过大：最多 %(max_digits)s 位数字"),
    "decimal_whole_digits": _("数值过大：整数部分最多 %(whole_digits)s 位"),
    "finite_number": _("应为有限的数字"),
    "greater_than_equal": _("应不小于 %(ge)s"),
    "greater_than": _("应大于 %(gt)s"),
    "less_than_equal": _("应不大于 %(le)s"),
    "less_than": _("应小于 %(lt)s"),
    "bool_type": _("应为 true 或 false"),
    "bool_parsing": _("应为 true 或 false"),
    "date_type": _("应为日期（YYYY-MM-DD）"),
    "date_parsing": _("应为日期（YYYY-MM-DD）"),
    "date_from_datetime_parsing": _("应为日期（YYYY-MM-DD）"),
    "date_from_datetime_inexact": _("应为日期（YYYY-MM-DD）"),
    "datetime_type": _("应为日期时间（YYYY-MM-DDTHH:MM:SS+08:00）"),
    "datetime_parsing": _("应为日期时间（YYYY-MM-DDTHH:MM:SS+08:00）"),
    "datetime_from_date_parsing": _("应为日期时间（YYYY-MM-DDTHH:MM:SS+08:00）"),
    "uuid_type": _("应为 UUID"),
    "uuid_parsing": _("应为 UUID"),
    "list_type": _("应为列表"),
    "dict_type": _("应为对象"),
    "model_type": _("应为对象"),
    "model_attributes_type": _("应为对象"),
    "json_invalid": _("请求体不是有效的 JSON"),
    "literal_error": _("取值无效"),
    "enum": _("取值无效"),
    "too_long": _("最多 %(max_length)s 项"),
    "too_short": _("至少 %(min_length)s 项"),
}
_OWN = {"text.nul", "text.surrogate", "date.out_of_range", "deadline.too_far", "null_not_allowed"}
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str:
    """``["body", "payload", "lots", 0, "budget"]`` → ``lots.0.budget`` (the source and the view's
    parameter name are not part of what the client sent)."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)  # the view's payload parameter
    return ".".join(str(p) for p in parts)


def error_message(error: dict[str, Any]) -> str:
    """The Chinese (or active-language) message for one pydantic error, with its bounds."""
    kind = error.get("type", "")
    ctx = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, int | float | str | Decimal)}
    template = _MESSAGES.get(kind)
    if template is None:
        # our own checks (`PydanticCustomError`, `ValueError`) already carry the message to show
        if kind in _OWN or kind == "value_error":
            return str(error.get("msg", "")).removeprefix("Value error, ")
        return gettext("取值无效")
    try:
        return str(template) % ctx
    except (KeyError, TypeError, ValueError):
        return str(template)


def validation_error_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Ninja's 422 as the platform's error shape: the first problem as ``field`` + ``message`` (what a
    form shows beside the field), every problem in ``details``."""
    details = []
    for error in errors:
        field = _field_of(error.get("loc") or ())
        details.append(
            {"field": field, "code": str(error.get("type", "invalid")), "message": error_message(error)}
        )
    first = details[0] if details else {"field": "", "message": gettext("请求参数无效")}
    body: dict[str, Any] = {
        "code": "request.invalid",
        "message": (f"{first['field']}：{first['message']}" if first["field"] else first["message"]),
        "details": details,
    }
    if first["field"]:
        body["field"] = first["field"]
    return {"error": body}


# --- hand-parsed forms -----------------------------------------------------------------------------------


def parse_year(value: Any, *, field: str) -> int:
    """A year typed into a form (``"2026"``), inside `YEAR_MIN`…`YEAR_MAX`; else ServiceError on `field`."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit() and YEAR_MIN <= int(text) <= YEAR_MAX):
        raise ServiceError(
            "request.year_invalid",
            _("请填写 %(min)s 至 %(max)s 之间的四位数年度") % {"min": YEAR_MIN, "max": YEAR_MAX},
            field=field,
        )
    return int(text)


def parse_int(
    value: Any, *, field: str, low: int = 0, high: int = INT32_MAX, default: int | None = None
) -> int:
    """A whole number typed into a form, inside `low`…`high` (`default` when left empty); else
    ServiceError on `field` — never a ValueError that becomes a 500."""
    text = str(value if value is not None else "").strip()
    if not text and default is not None:
        return default
    if not (text.isascii() and text.lstrip("-").isdigit() and low <= int(text) <= high):
        raise ServiceError(
            "request.number_invalid",
            _("请填写 %(low)s 至 %(high)s 之间的整数") % {"low": low, "high": high},
            field=field,
        )
    return int(text)


def as_id(value: Any) -> int | None:
    """A database id from a query or form value (ASCII digits, 1…2⁶³−1), else None. Not
    ``value.isdigit()`` + ``int()``: ``"²".isdigit()`` is true and ``int("²")`` fails, and a 30-digit
    id overflows SQLite's INTEGER in a foreign-key filter."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= BIGINT_MAX else None
