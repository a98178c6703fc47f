"""Labels, never codes: template filters that turn stored codes into what a reader understands.

`{% load labels %}` then `{{ event|person }}`, `{{ event.action|action_label }}`,
`{{ event.object_type|object_label }}`, `{{ code|region }}`, `{{ event|audit_changes }}`,
`{{ value|readable }}`.

Core may not import the apps above it (import-linter), so models are looked up through Django's
app registry by their label ("accounts.region", an audit event's ``object_type``); people are read
through the attributes every platform user has (``unit``, ``organization``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opengps.core.events import label_for

register = template.Library()

SYSTEM_ACTORS = {"system": gettext_lazy("系统（自动处理）"), "": gettext_lazy("系统（自动处理）")}
"""The labels audit rows carry when no person acted (scheduled transitions, imports)."""

REGION_CODE = re.compile(r"^[1-9]\d{5}$")

COMMON_KEYS: Mapping[str, str | Promise] = {
    "citation": gettext_lazy("依据"),
    "reason": gettext_lazy("原因"),
    "reasons": gettext_lazy("理由"),
    "note": gettext_lazy("说明"),
    "name": gettext_lazy("名称"),
    "title": gettext_lazy("标题"),
    "item": gettext_lazy("用途"),
    "amount": gettext_lazy("金额（元）"),
    "total": gettext_lazy("合计"),
    "weight": gettext_lazy("权重"),
    "target": gettext_lazy("目标值"),
    "score": gettext_lazy("得分"),
    "grade": gettext_lazy("等级"),
    "level": gettext_lazy("等级"),
    "result": gettext_lazy("结果"),
    "status": gettext_lazy("状态"),
    "state": gettext_lazy("状态"),
    "kind": gettext_lazy("类型"),
    "method": gettext_lazy("方式"),
    "on": gettext_lazy("日期"),
    "on_date": gettext_lazy("日期"),
    "date": gettext_lazy("日期"),
    "due": gettext_lazy("期限"),
    "due_on": gettext_lazy("期限"),
    "deadline": gettext_lazy("截止时间"),
    "late": gettext_lazy("是否逾期"),
    "year": gettext_lazy("年度"),
    "count": gettext_lazy("数量"),
    "location": gettext_lazy("地点"),
    "decision": gettext_lazy("决定"),
    "decision_no": gettext_lazy("决定文号"),
    "opinion": gettext_lazy("意见"),
    "opinions": gettext_lazy("意见"),
    "findings": gettext_lazy("发现的问题"),
    "summary": gettext_lazy("摘要"),
    "starts_on": gettext_lazy("开始日期"),
    "ends_on": gettext_lazy("结束日期"),
    "period_start": gettext_lazy("开始日期"),
    "period_end": gettext_lazy("结束日期"),
    "paid_on": gettext_lazy("支付日期"),
    "paid_amount": gettext_lazy("支付金额（元）"),
    "valid_until": gettext_lazy("有效期至"),
    "published_on": gettext_lazy("发布日期"),
    "submitted_on": gettext_lazy("提交日期"),
    "removed_on": gettext_lazy("移出日期"),
    "listed_on": gettext_lazy("列入日期"),
    "revoked_on": gettext_lazy("撤销日期"),
    "awarded_on": gettext_lazy("评定日期"),
    "occurred_on": gettext_lazy("发生日期"),
    "accepted_on": gettext_lazy("验收日期"),
    "delivered_on": gettext_lazy("送达日期"),
    "done_on": gettext_lazy("完成日期"),
    "planned_on": gettext_lazy("计划日期"),
    "received_at": gettext_lazy("接收时间"),
    "requested_amount": gettext_lazy("申请金额（元）"),
    "released_amount": gettext_lazy("拨付金额（元）"),
    "total_amount": gettext_lazy("资金总额（元）"),
    "per_project_cap": gettext_lazy("单个项目资助上限（元）"),
    "budget_lines": gettext_lazy("预算明细"),
    "indicators": gettext_lazy("绩效指标"),
    "criteria": gettext_lazy("评审标准"),
    "conditions": gettext_lazy("申报条件"),
    "timetable": gettext_lazy("时间安排"),
    "objection_days": gettext_lazy("公示期（日）"),
    "tranche_shares": gettext_lazy("分期拨付比例（%）"),
    "fund_source": gettext_lazy("资金来源"),
    "regions": gettext_lazy("区划"),
    "org_types": gettext_lazy("组织类型"),
    "min_rating": gettext_lazy("最低评估等级"),
    "min_years_registered": gettext_lazy("最低成立年限"),
    "exclude_abnormal": gettext_lazy("排除活动异常名录"),
    "beneficiary_region": gettext_lazy("服务区域"),
    "purpose_area": gettext_lazy("资助领域"),
    "plan": gettext_lazy("实施计划"),
    "seq": gettext_lazy("期次"),
    "winner": gettext_lazy("中标（成交）供应商"),
    "supplier": gettext_lazy("供应商"),
    "bidder": gettext_lazy("投标人"),
    "milestone": gettext_lazy("履约节点"),
    "payment": gettext_lazy("付款"),
}
"""Keys that audit rows and stored documents use beside the models' own fields. A key without a
label (internal ids, hashes, key identifiers) is left out of the readable view; the complete record
stays available as data (the API's timeline)."""


@cache
def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for name in (key, key.removesuffix("_id")):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.Field) and not field.auto_created:
            return field
    return None


@cache
def _all_choices() -> dict[str, str | Promise]:
    """Every coded value of every model field with choices, to its label (the first field that
    declares a value wins; they agree where codes are shared, e.g. statuses)."""
    found: dict[str, str | Promise] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and value:
                    found.setdefault(value, label)
    return found


@cache
def _region_names() -> dict[str, str]:
    model = _model("accounts.region")
    if model is None:
        return {}
    regions: dict[str, Any] = {r.pk: r for r in model._default_manager.all()}
    names: dict[str, str] = {}
    for code, region in regions.items():
        parts, node = [], region
        while node is not None:
            parts.append(node.name)
            node = regions.get(node.parent_id) if node.parent_id else None
        names[code] = "".join(reversed(parts))
    return names


@register.filter
def region(code: Any) -> str:
    """A GB/T 2260 code as the division's full name (湖南省长沙市); codes joined in a list too."""
    if isinstance(code, list | tuple):
        return "、".join(region(c) for c in code)
    text = str(code or "")
    if not text:
        return ""
    name = _region_names().get(text)
    if name is None:
        _region_names.cache_clear()  # divisions added since the table was read
        name = _region_names().get(text)
    return name or text


@register.filter
def person(who: Any) -> str:
    """A person by name and unit (or organization), never by login name: a user, or the actor of an
    audit event (its recorded label when the account is gone, "system" as the system)."""
    if who is None:
        return ""
    if hasattr(who, "actor_label") and hasattr(who, "actor_id"):
        if who.actor_id is None:
            label = who.actor_label or ""
            return str(SYSTEM_ACTORS.get(label, label))
        who = who.actor
    name = str(who)
    where = ""
    if getattr(who, "unit_id", None):
        where = str(who.unit)
    elif getattr(who, "organization_id", None):
        where = str(who.organization)
    return f"{name}（{where}）" if where and where not in name else name


@register.filter
def action_label(action: str) -> str:
    """A stored audit action as its declared label (`procurement.announced` → 发布采购公告)."""
    return label_for(str(action))


@register.filter
def object_label(object_type: str) -> str:
    """An audit row's object type (`grants.round`) as the model's name (资助批次)."""
    model = _model(str(object_type))
    return str(model._meta.verbose_name) if model is not None else _("其他记录")


def _show(value: Any, *, key: str = "", choices: Mapping[Any, Any] | None = None) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | tuple):
        return "、".join(_show(v, key=key, choices=choices) for v in value)
    if isinstance(value, dict):
        parts = []
        for inner, item in value.items():
            label = COMMON_KEYS.get(inner)
            if label is not None:
                parts.append(f"{label}：{_show(item, key=inner)}")
        return "；".join(parts) or "—"
    if choices and value in choices:
        return str(choices[value])
    text = str(value)
    if ("region" in key or key == "area") and REGION_CODE.match(text):
        return region(text)
    coded = _all_choices().get(text)
    return str(coded) if coded is not None else text


@register.filter
def labels_from(codes: Any, labels: Mapping[str, Any]) -> str:
    """Stored codes (one or a list) by the labels the view passes (`{{ codes|labels_from:kinds }}`);
    a mapping or the `choices` list of pairs."""
    table = dict(labels) if labels else {}
    items = codes if isinstance(codes, list | tuple) else [codes]
    return "、".join(str(table.get(code, code)) for code in items if code not in (None, "")) or "—"


@register.filter
def indicator_figures(figures: Mapping[str, Any], indicators: Any) -> list[tuple[str, str]]:
    """A report's figures keyed by indicator code as (indicator name, value with its unit), in the
    order of the indicators (`{"code", "name", "unit"}` items); a figure without its indicator is
    shown under a neutral name rather than its code."""
    named = {str(i.get("code")): i for i in indicators or () if isinstance(i, Mapping)}
    rows = []
    for code, value in (figures or {}).items():
        indicator = named.get(str(code))
        name = str(indicator.get("name") or _("其他指标")) if indicator else _("其他指标")
        unit = str(indicator.get("unit") or "") if indicator else ""
        rows.append((name, f"{_show(value)}{unit if unit not in ('', '—') else ''}"))
    order = {str(i.get("name")): n for n, i in enumerate(named.values())}
    return sorted(rows, key=lambda row: order.get(row[0], len(order)))


@register.filter
def readable(value: Any) -> str:
    """A stored value (a list, a mapping, a coded value, a boolean) as text a reader understands."""
    return _show(value)


@register.filter
def audit_changes(event: Any) -> list[tuple[str, str, str]]:
    """(label, old, new) for the labelled keys of an audit event: the model's own fields by their
    verbose names and choices, the common keys by `COMMON_KEYS`; others are left out."""
    model = _model(str(event.object_type))
    old: dict[str, Any] = event.old_values or {}
    new: dict[str, Any] = event.new_values or {}
    rows = []
    for key in [*new, *(k for k in old if k not in new)]:
        field = _field(model, key)
        if field is not None and field.is_relation:
            if key not in COMMON_KEYS:
                continue  # an internal id; the related object has its own timeline
            field = None
        if field is not None and str(field.verbose_name) == field.name.replace("_", " "):
            field = None  # a field without a Chinese name is internal
        if field is not None:
            label: str | Promise = field.verbose_name
            choices = dict(field.flatchoices) if field.choices else None
        elif key in COMMON_KEYS:
            label, choices = COMMON_KEYS[key], None
        else:
            continue
        rows.append(
            (
                str(label),
                _show(old[key], key=key, choices=choices) if key in old else "",
                _show(new[key], key=key, choices=choices) if key in new else "",
            )
        )
    return rows
