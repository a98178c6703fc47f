"""Capacity pages of trainings (with participants and the workers' yearly training hours), the
典型经验交流推介会 events (with the organizations showcased) and the filed community organizations
(with their support, awards and activities), for the civil-affairs officials of a region. Each
action posts to one URL (STYLE 14): a form parses it, the object comes through the actor-scoped
selector, one service acts and checks who may; a refusal shows the page again with the error beside
its field. Identity numbers appear masked only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.permissions import has_role
from opengps.capacity import selectors, services
from opengps.capacity import selectors_growth as reads
from opengps.capacity.errors import Code
from opengps.capacity.forms_growth import (
    ActivityForm,
    AttendanceForm,
    EventCreateForm,
    ShowcaseForm,
    SupportForm,
    TrainingCreateForm,
)
from opengps.capacity.models import CommunityFiling, ShowcaseEvent, Training
from opengps.core import clock
from opengps.core.errors import NotFound, PermissionDenied, ServiceError
from opengps.core.forms import ActionForm
from opengps.core.views import View, error_page, one_action
from opengps.planning.models import BudgetLine
from opengps.registry.selectors import organization_get

Page = Callable[[HttpRequest, Any, Any, int], HttpResponse]


def _region(request: HttpRequest) -> str:
    return request.GET.get("region", "").strip()[:12]


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "capacity/growth_page.html", context, status=status)


def _section(title: str, url: str, form: ActionForm, button: str, note: str = "") -> dict[str, Any]:
    return {"title": title, "url": url, "form": form, "button": button, "note": note}


def _name(text: str, url: str) -> dict[str, Any]:
    return {"text": text, "url": url, "kind": "name"}


def _num(value: Any) -> dict[str, Any]:
    return {"text": value, "kind": "num"}


def _manages(actor: Actor) -> bool:
    return has_role(actor, *services.MANAGERS)


def _guarded(view: View) -> View:
    """A role that reads no capacity page is refused by the selector (PermissionDenied): the error
    page with its status, before any form is read."""

    @wraps(view)
    def guarded(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, **kwargs)
        except PermissionDenied as exc:
            return error_page(request, exc)

    return guarded


def _action(
    form: Callable[[HttpRequest, Any], ActionForm],
    scope: Callable[..., Any],
    page: Page,
    done: Promise,
    success: Callable[[Any, Any], HttpResponse],
) -> Callable[[Callable[[Actor, Any, Any], Any]], View]:
    """Make `act(actor, obj, form)` the view of one action URL (`one_action`)."""
    decorate = one_action(
        actor=signed_in_user,
        scope=scope,
        form=form,
        page=page,
        done=done,
        success=success,
        not_found=lambda request, exc: error_page(request, exc),
    )

    def wrap(act: Callable[[Actor, Any, Any], Any]) -> View:
        @wraps(act)
        def call(request: HttpRequest, actor: Actor, obj: Any, posted: Any) -> Any:
            return act(actor, obj, posted)

        return _guarded(decorate(call))

    return wrap


def _area(*, actor: Actor) -> str:
    return selectors.scope_prefix(actor)


def _hosted(form_class: type[TrainingCreateForm] | type[EventCreateForm], actor: Actor, data: Any) -> Any:
    return form_class(data, regions=reads.regions_of(actor=actor), bases=reads.bases_of(actor=actor))


# --- trainings -------------------------------------------------------------------------------------


def _trainings_page(
    request: HttpRequest, failed: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        items = list(reads.trainings(actor=actor, region=_region(request))[:500])
    except ServiceError as exc:
        return error_page(request, exc)
    rows = [
        [
            _name(t.title, reverse("capacity:training", args=[t.pk])),
            t.region.name,
            t.base.name if t.base else _("民政部门"),
            f"{t.starts_on:%Y-%m-%d} — {t.ends_on:%Y-%m-%d}",
            _num(t.hours),
            _num(getattr(t, "participants", 0)),
        ]
        for t in items
    ]
    columns = [_("培训"), _("举办区划"), _("举办方"), _("日期"), _("学时"), _("参训人数")]
    sections = []
    if _manages(actor):
        form = failed or _hosted(TrainingCreateForm, actor, None)
        sections.append(
            _section(
                _("登记培训"),
                reverse("capacity:training-create"),
                form,
                _("登记"),
                _("每个培训日最多计8学时；参训学时计入培训结束当年。"),
            )
        )
    context = {
        "title": _("社会工作者培训"),
        "links": [
            {"text": _("社会工作者年度培训学时"), "url": reverse("capacity:training-hours")},
            {"text": _("典型经验交流推介会"), "url": reverse("capacity:events")},
        ],
        "tables": [{"caption": "", "columns": columns, "rows": rows, "empty": _("暂无培训")}],
        "sections": sections,
    }
    return _render(request, context, status)


@login_required
@require_safe
def training_list(request: HttpRequest) -> HttpResponse:
    """社会工作者培训 — the trainings of the official's area, and the form that registers one."""
    return _trainings_page(request)


@_action(
    lambda request, area: _hosted(TrainingCreateForm, signed_in_user(request), request.POST),
    _area,
    lambda request, area, form, status: _trainings_page(request, form, status),
    gettext_lazy("培训已登记"),
    lambda area, training: redirect("capacity:training", pk=training.pk),
)
def training_create(actor: Actor, area: str, form: TrainingCreateForm) -> Training:
    data = form.cleaned_data
    return services.training_create(
        actor=actor,
        title=data["title"],
        region=data["region"],
        base=data["base"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        hours=data["hours"],
        venue=data["venue"],
        content=data["content"],
    )


def _attendance_form(training: Training, data: Any) -> AttendanceForm:
    return AttendanceForm(data, workers=reads.trainable_workers(training))


def _training_page(
    request: HttpRequest, training: Training, failed: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        page = reads.training_page(actor=actor, pk=training.pk)
    except ServiceError as exc:
        return error_page(request, exc)
    t = page.training
    rows = [
        [_name(a.worker.name, ""), a.worker.id_number_masked, a.worker.get_level_display(), _num(a.hours)]
        for a in page.attendances
    ]
    sections = []
    if services.manages(actor, t.region_id):
        form = failed or _attendance_form(t, None)
        url = reverse("capacity:training-attend", args=[t.pk])
        sections.append(
            _section(_("登记参训"), url, form, _("登记"), _("同一社会工作者每次培训只登记一次。"))
        )
    context = {
        "title": t.title,
        "facts": [
            (_("举办区划"), t.region.name),
            (_("举办方"), t.base.name if t.base else _("民政部门")),
            (_("日期"), f"{t.starts_on:%Y-%m-%d} — {t.ends_on:%Y-%m-%d}"),
            (_("学时"), t.hours),
            (_("地点"), t.venue),
            (_("培训内容"), t.content),
        ],
        "tables": [
            {
                "caption": _("参训社会工作者"),
                "columns": [_("姓名"), _("身份证号"), _("职业资格"), _("计入学时")],
                "rows": rows,
                "empty": _("暂无参训记录"),
            }
        ],
        "sections": sections,
        "back": {"text": _("返回培训列表"), "url": reverse("capacity:trainings")},
    }
    return _render(request, context, status)


def _training(*, actor: Actor, pk: int) -> Training:
    return reads.training_page(actor=actor, pk=pk).training


@login_required
@require_safe
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One training with its participants (numbers masked) and, for its managers, the attendance form."""
    try:
        training = _training(actor=signed_in_user(request), pk=pk)
    except ServiceError as exc:
        return error_page(request, exc)
    return _training_page(request, training)


@_action(
    lambda request, training: _attendance_form(training, request.POST),
    _training,
    _training_page,
    gettext_lazy("参训已登记"),
    lambda training, result: redirect("capacity:training", pk=training.pk),
)
def training_attend(actor: Actor, training: Training, form: AttendanceForm) -> Any:
    data = form.cleaned_data
    return services.attendance_record(
        actor=actor, training=training, worker=data["worker"], hours=data["hours"]
    )


@login_required
@require_safe
def training_hours(request: HttpRequest) -> HttpResponse:
    """社会工作者年度培训学时 — each worker of the area with the hours of the trainings attended in a
    year (each training once, in the year it ended)."""
    raw = request.GET.get("year", "").strip()[:4]
    year = int(raw) if raw.isdigit() and len(raw) == 4 else clock.today().year
    try:
        items = reads.training_hours(actor=signed_in_user(request), year=year, region=_region(request))
    except ServiceError as exc:
        return error_page(request, exc)
    rows = [
        [
            _name(i.worker.name, ""),
            i.worker.id_number_masked,
            i.worker.get_level_display(),
            _num(i.trainings),
            _num(i.hours),
        ]
        for i in items
    ]
    context = {
        "title": _("社会工作者年度培训学时"),
        "filters": [{"name": "year", "label": _("年度"), "value": year, "type": "number"}],
        "links": [{"text": _("社会工作者培训"), "url": reverse("capacity:trainings")}],
        "tables": [
            {
                "caption": _("%(year)s年") % {"year": year},
                "columns": [_("姓名"), _("身份证号"), _("职业资格"), _("参训次数"), _("培训学时")],
                "rows": rows,
                "empty": _("暂无社会工作者"),
            }
        ],
    }
    return _render(request, context)


# --- showcase events -------------------------------------------------------------------------------


def _events_page(request: HttpRequest, failed: ActionForm | None = None, status: int = 200) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        items = list(reads.events(actor=actor, region=_region(request))[:500])
    except ServiceError as exc:
        return error_page(request, exc)
    rows = [
        [
            _name(e.title, reverse("capacity:event", args=[e.pk])),
            e.region.name,
            e.base.name if e.base else _("民政部门"),
            e.held_on.isoformat(),
            _num(getattr(e, "showcased", 0)),
        ]
        for e in items
    ]
    sections = []
    if _manages(actor):
        form = failed or _hosted(EventCreateForm, actor, None)
        sections.append(_section(_("登记推介会"), reverse("capacity:event-create"), form, _("登记")))
    context = {
        "title": _("典型经验交流推介会"),
        "links": [{"text": _("社会工作者培训"), "url": reverse("capacity:trainings")}],
        "tables": [
            {
                "caption": "",
                "columns": [_("推介会"), _("举办区划"), _("举办方"), _("举办日期"), _("推介组织数")],
                "rows": rows,
                "empty": _("暂无推介会"),
            }
        ],
        "sections": sections,
    }
    return _render(request, context, status)


@login_required
@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """典型经验交流推介会 — the events of the official's area, and the form that registers one."""
    return _events_page(request)


@_action(
    lambda request, area: _hosted(EventCreateForm, signed_in_user(request), request.POST),
    _area,
    lambda request, area, form, status: _events_page(request, form, status),
    gettext_lazy("推介会已登记"),
    lambda area, event: redirect("capacity:event", pk=event.pk),
)
def event_create(actor: Actor, area: str, form: EventCreateForm) -> ShowcaseEvent:
    data = form.cleaned_data
    return services.event_create(
        actor=actor,
        title=data["title"],
        region=data["region"],
        base=data["base"],
        held_on=data["held_on"],
        venue=data["venue"],
        notes=data["notes"],
    )


def _event(*, actor: Actor, pk: int) -> ShowcaseEvent:
    return reads.event_page(actor=actor, pk=pk).event


def _showcase_form(event: ShowcaseEvent, data: Any, actor: Actor) -> ShowcaseForm:
    return ShowcaseForm(data, filings=reads.filings(actor=actor))


def _event_page(
    request: HttpRequest, event: ShowcaseEvent, failed: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        page = reads.event_page(actor=actor, pk=event.pk)
    except ServiceError as exc:
        return error_page(request, exc)
    e = page.event
    rows = []
    for s in page.showcases:
        if s.filing is not None:
            who = _name(s.filing.name, reverse("capacity:filing", args=[s.filing.pk]))
            kind = _("社区社会组织（备案）")
        else:
            who = _name(s.organization.name if s.organization else "", "")
            kind = _("社会组织")
        rows.append([who, kind, s.experience])
    sections = []
    if services.manages(actor, e.region_id):
        form = failed or _showcase_form(e, None, actor)
        url = reverse("capacity:event-showcase", args=[e.pk])
        sections.append(
            _section(_("推介组织"), url, form, _("添加"), _("已登记的社会组织和备案的社区社会组织二选一。"))
        )
    context = {
        "title": e.title,
        "facts": [
            (_("举办区划"), e.region.name),
            (_("举办方"), e.base.name if e.base else _("民政部门")),
            (_("举办日期"), e.held_on.isoformat()),
            (_("地点"), e.venue),
            (_("活动情况"), e.notes),
        ],
        "tables": [
            {
                "caption": _("推介组织"),
                "columns": [_("组织"), _("类型"), _("推介的典型经验")],
                "rows": rows,
                "empty": _("暂无推介组织"),
            }
        ],
        "sections": sections,
        "back": {"text": _("返回推介会列表"), "url": reverse("capacity:events")},
    }
    return _render(request, context, status)


@login_required
@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One event with the organizations it showcased."""
    try:
        event = _event(actor=signed_in_user(request), pk=pk)
    except ServiceError as exc:
        return error_page(request, exc)
    return _event_page(request, event)


@_action(
    lambda request, event: _showcase_form(event, request.POST, signed_in_user(request)),
    _event,
    _event_page,
    gettext_lazy("推介组织已添加"),
    lambda event, result: redirect("capacity:event", pk=event.pk),
)
def event_showcase(actor: Actor, event: ShowcaseEvent, form: ShowcaseForm) -> Any:
    data = form.cleaned_data
    organization = None
    if data["organization"]:
        try:
            organization = organization_get(data["organization"])
        except NotFound as exc:
            raise ServiceError(exc.code, exc.text(), field="organization") from None
    return services.showcase_add(
        actor=actor,
        event=event,
        experience=data["experience"],
        organization=organization,
        filing=data["filing"],
    )


# --- filed community organizations ---------------------------------------------------------------


@login_required
@require_safe
def filing_list(request: HttpRequest) -> HttpResponse:
    """社区社会组织 — the organizations filed in the official's area, with their support and activities."""
    try:
        items = list(reads.filings(actor=signed_in_user(request), region=_region(request))[:1000])
    except ServiceError as exc:
        return error_page(request, exc)
    totals = reads.filing_totals(items)
    rows = [
        [
            _name(f.name, reverse("capacity:filing", args=[f.pk])),
            f.get_kind_display(),
            f.township.name,
            f.township.county.name,
            f.filed_on.isoformat(),
            f.organization.name if f.organization else _("未登记"),
            _num(f"{totals[f.pk][0]:,.2f}"),
            _num(totals[f.pk][1]),
        ]
        for f in items
    ]
    columns = [
        _("组织"),
        _("类别"),
        _("乡镇（街道）"),
        _("县市区"),
        _("备案日期"),
        _("登记情况"),
        _("资助奖励（元）"),
        _("活动数"),
    ]
    context = {
        "title": _("社区社会组织"),
        "tables": [{"caption": "", "columns": columns, "rows": rows, "empty": _("暂无备案的社区社会组织")}],
    }
    return _render(request, context)


def _filing(*, actor: Actor, pk: int) -> CommunityFiling:
    return reads.filing_page(actor=actor, pk=pk).filing


def _filing_forms(failed: ActionForm | None) -> dict[str, ActionForm]:
    forms_: dict[str, ActionForm] = {"support": SupportForm(), "activity": ActivityForm()}
    if failed is not None:
        forms_[failed.action] = failed
    return forms_


def _filing_page(
    request: HttpRequest, filing: CommunityFiling, failed: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        page = reads.filing_page(actor=actor, pk=filing.pk)
    except ServiceError as exc:
        return error_page(request, exc)
    f = page.filing
    supports = [
        [
            s.get_kind_display(),
            _num(f"{s.amount:,.2f}"),
            s.purpose,
            s.decision,
            s.decided_on.isoformat(),
            s.budget_line.name if s.budget_line else "—",
        ]
        for s in page.supports
    ]
    activities = [
        [a.held_on.isoformat(), a.get_kind_display(), a.title, _num(a.participants)] for a in page.activities
    ]
    shown = [
        [_name(s.event.title, reverse("capacity:event", args=[s.event.pk])), s.experience]
        for s in page.showcases
    ]
    sections = []
    if services.manages(actor, f.township.county_id):
        forms_ = _filing_forms(failed)
        sections = [
            _section(
                _("资助或奖励"), reverse("capacity:filing-support", args=[f.pk]), forms_["support"], _("登记")
            ),
            _section(
                _("活动记录"), reverse("capacity:filing-activity", args=[f.pk]), forms_["activity"], _("登记")
            ),
        ]
    context = {
        "title": f.name,
        "facts": [
            (_("类别"), f.get_kind_display()),
            (_("备案乡镇（街道）"), f"{f.township.county.name} · {f.township.name}"),
            (_("所在村（社区）"), f.community),
            (_("负责人"), f.responsible_person),
            (_("活动区域"), f.activity_area),
            (_("备案日期"), f.filed_on.isoformat()),
            (_("登记后的社会组织"), f.organization.name if f.organization else _("未登记")),
            (_("资助奖励合计（元）"), f"{page.supported:,.2f}"),
        ],
        "tables": [
            {
                "caption": _("资助和奖励"),
                "columns": [
                    _("类型"),
                    _("金额（元）"),
                    _("用途或事由"),
                    _("决定文号"),
                    _("决定日期"),
                    _("预算指标"),
                ],
                "rows": supports,
                "empty": _("暂无资助或奖励"),
            },
            {
                "caption": _("活动记录"),
                "columns": [_("活动日期"), _("活动类别"), _("活动名称"), _("参与人数")],
                "rows": activities,
                "empty": _("暂无活动记录"),
            },
            {
                "caption": _("参加推介会"),
                "columns": [_("推介会"), _("推介的典型经验")],
                "rows": shown,
                "empty": _("暂无"),
            },
        ],
        "sections": sections,
        "back": {"text": _("返回社区社会组织列表"), "url": reverse("capacity:filings")},
    }
    return _render(request, context, status)


@login_required
@require_safe
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One filed community organization with its support, awards, activities and showcases."""
    try:
        filing = _filing(actor=signed_in_user(request), pk=pk)
    except ServiceError as exc:
        return error_page(request, exc)
    return _filing_page(request, filing)


def _budget_line(code: str, year: int) -> BudgetLine | None:
    """The budget line a support form names by its code (of the decision's year when there is one:
    the service refuses another year's); None when blank, refused beside the field when unknown."""
    code = (code or "").strip()
    if not code:
        return None
    lines = BudgetLine.objects.filter(code=code)
    line = lines.filter(fiscal_year=year).first() or lines.order_by("-fiscal_year").first()
    if line is None:
        raise ServiceError(Code.CAPACITY_BUDGET_LINE_NOT_FOUND, field="budget_line")
    return line


@_action(
    lambda request, filing: SupportForm(request.POST),
    _filing,
    _filing_page,
    gettext_lazy("资助或奖励已登记"),
    lambda filing, result: redirect("capacity:filing", pk=filing.pk),
)
def filing_support(actor: Actor, filing: CommunityFiling, form: SupportForm) -> Any:
    data = form.cleaned_data
    return services.support_decide(
        actor=actor,
        filing=filing,
        kind=data["kind"],
        amount=data["amount"],
        purpose=data["purpose"],
        decision=data["decision"],
        decided_on=data["decided_on"],
        budget_line=_budget_line(data["budget_line"], data["decided_on"].year),
    )


@_action(
    lambda request, filing: ActivityForm(request.POST),
    _filing,
    _filing_page,
    gettext_lazy("活动已记录"),
    lambda filing, result: redirect("capacity:filing", pk=filing.pk),
)
def filing_activity(actor: Actor, filing: CommunityFiling, form: ActivityForm) -> Any:
    data = form.cleaned_data
    return services.activity_log(
        actor=actor,
        filing=filing,
        kind=data["kind"],
        title=data["title"],
        held_on=data["held_on"],
        participants=data["participants"] or 0,
        notes=data["notes"],
    )
