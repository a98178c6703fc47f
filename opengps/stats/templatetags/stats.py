"""Showing a measure's value as users read it: money grouped (万元), shares in %, days, counts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import json_script
from django.utils.translation import gettext as _

from opengps.core.templatetags.money import format_wanyuan, format_yuan

register = template.Library()


@register.simple_tag
def figure(value: Decimal | None, kind: str, exact: bool = False) -> str:
    """`value` of a measure of `kind` (money, percent, days, number); "—" when it has none."""
    if value is None:
        return "—"
    if kind == "money":
        return format_yuan(value) if exact else format_wanyuan(value)
    if kind == "percent":
        return f"{value:.2f}%"
    if kind == "days":
        return _("%(n)s 天") % {"n": f"{value:.1f}"}
    return f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,.2f}"


@register.filter
def at(values: Any, index: int) -> Any:
    return values[index]


@register.simple_tag
def chart_json(data: Any, number: int, prefix: str = "chart") -> str:
    """A chart's data as a non-executed JSON script element (``id="<prefix>-<number>"``); the CSP
    only governs scripts that run, and charts.js reads it with JSON.parse."""
    return json_script(data, f"{prefix}-{number}")
