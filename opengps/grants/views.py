"""Grant pages: public calls, notices, objections and the yearly fund-use report; applications,
scores and agreements for those allowed to read them; the funder's screens for every step of a
round. Views read through selectors and write through exactly one service each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opengps.accounts.actors import signed_in_user
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.core import clock, ratelimit
from opengps.core.errors import PermissionDenied, ServiceError
from opengps.core.forms import ServiceErrorFormMixin
from opengps.core.views import error_page, read_through
from opengps.grants import documents, selectors, services
from opengps.grants.errors import Code
from opengps.grants.forms import (
    AgreementSignForm,
    ApplicationForm,
    AuditFirmForm,
    FinalAuditForm,
    FinalReviewForm,
    FundReturnForm,
    MidtermForm,
    ObjectionDecideForm,
    ObjectionForm,
    PanelDrawForm,
    PitchForm,
    ProgrammeForm,
    ReasonForm,
    RoundForm,
    ScoreSheetForm,
)
from opengps.grants.models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    Round,
    RoundStatus,
    TrancheStatus,
)
from opengps.procurement.views import pdf_response

_round_view = read_through(selectors.round_get, "round_id")
_agreement_view = read_through(selectors.agreement_get, "agreement_id")


def _perform(request: HttpRequest, form: Any, call: Callable[[], Any], done: str | Promise) -> Any:
    """Call the form's one service once the form is valid: the object it wrote, with `done` queued
    as the success message; or None, with the service's refusal shown beside its field (`form` has
    ``add_service_error``; every grant service returns what it wrote)."""
    if not form.is_valid():
        return None
    try:
        result = call()
    except ServiceError as exc:
        form.add_service_error(exc)
        return None
    messages.success(request, str(done))
    return result


def index(request: HttpRequest) -> HttpResponse:
    """公益创投与福彩项目: rounds, and an organization's own applications."""
    return render(
        request,
        "grants/index.html",
        {
            "rounds": selectors.round_list(actor=request.user),
            "mine": selectors.my_applications(actor=request.user),
            "years": selectors.years_with_grants(),
            "perms_funder": has_role(request.user, Role.PURCHASER),
        },
    )


def _own_draft(user: Any, round_: Round) -> Application | None:
    """The actor's organization's application in `round_`, if any (None for other users)."""
    org_id = getattr(user, "organization_id", None)
    if not user.is_authenticated or org_id is None:
        return None
    return Application.objects.filter(round=round_, organization_id=org_id).first()


def _application_form(request: HttpRequest, round_: Round) -> ApplicationForm | None:
    """A blank or prefilled form for an organization member while the call is published."""
    if round_.status != RoundStatus.PUBLISHED or getattr(request.user, "organization_id", None) is None:
        return None
    app = _own_draft(request.user, round_)
    if app is not None and app.status != ApplicationStatus.DRAFT:
        return None
    initial = ApplicationForm.initial_from(app) if app is not None else None
    return ApplicationForm(round=round_, initial=initial)


def _unscored(request: HttpRequest, round_: Round) -> list[Application]:
    """Eligible applications a panel member of a reviewing round has not scored yet."""
    user: Any = request.user
    if round_.status != RoundStatus.REVIEWING or not user.is_authenticated:
        return []
    member = next((m for m in services.panel_members(round_) if m.expert.user_id == user.pk), None)
    if member is None:
        return []
    return list(
        Application.objects.filter(round=round_, status=ApplicationStatus.ELIGIBLE)
        .exclude(scores__member=member)
        .order_by("pk")
    )


def _score_form(request: HttpRequest, round_: Round) -> ScoreSheetForm | None:
    apps = _unscored(request, round_)
    return ScoreSheetForm(round=round_, applications=apps) if apps else None


PUBLIC = frozenset(selectors.PUBLIC_STATUSES)


def _round_page(
    request: HttpRequest,
    round_: Round,
    *,
    application_form: ApplicationForm | None = None,
    score_form: ScoreSheetForm | None = None,
    objection_form: ObjectionForm | None = None,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    private = selectors.can_read_round_private(request.user, round_)
    funder = services.is_funder(request.user, round_)
    return render(
        request,
        "grants/round.html",
        {
            "round": round_,
            "private": private,
            "summary": selectors.round_summary(round_) if private else None,
            "listed": selectors.notice_list(round_),
            "applications": selectors.application_list(actor=request.user, round_=round_),
            "agreements": selectors.agreements_of(actor=request.user, round_=round_),
            "objection_deadline": selectors.objection_deadline(round_),
            "application_form": application_form or _application_form(request, round_),
            "score_form": score_form or _score_form(request, round_),
            "objections": selectors.objections_public(round_),
            "objection_form": objection_form or _objection_form(request, round_),
            "funder": funder,
            "actions": _round_actions(request, round_, bound or {}) if funder else [],
            "decide_forms": _decide_forms(round_, bound or {}) if funder else [],
            "own_draft": _own_draft(request.user, round_),
            "cofunding": selectors.round_cofunding(round_) if round_.status in PUBLIC else [],
            "round_leverage": selectors.round_leverage(round_),
            "shortfalls": selectors.shortfall_flags(round_) if private else [],
        },
        status=status,
    )


@_round_view
def round_detail(request: HttpRequest, round_: Round) -> HttpResponse:
    """The call (public), the proposed/funded list (public), and private records for readers."""
    return _round_page(request, round_)


@login_required
@require_POST
@_round_view
def application_post(request: HttpRequest, round_: Round) -> HttpResponse:
    """Save the organization's draft; with ``action=submit`` also submit it (all or nothing)."""
    form = ApplicationForm(request.POST, round=round_)
    if not form.is_valid():
        return _round_page(request, round_, application_form=form)
    submit = request.POST.get("action") == "submit"
    try:
        with transaction.atomic():
            app = services.application_save(
                actor=signed_in_user(request),
                round=round_,
                application=_own_draft(request.user, round_),
                **form.service_values(),
            )
            if submit:
                app = services.application_submit(actor=signed_in_user(request), application=app)
    except ServiceError as exc:
        form.add_service_error(exc)
        return _round_page(request, round_, application_form=form)
    if submit:
        messages.success(
            request, _("申报已提交，资格审查结果：%(status)s") % {"status": app.get_status_display()}
        )
        return redirect("grants:application", app.pk)
    messages.success(request, _("申报草稿已保存"))
    return redirect("grants:round", round_.pk)


@login_required
@require_POST
@_round_view
def score_sheet_post(request: HttpRequest, round_: Round) -> HttpResponse:
    """A panel member submits the score sheet for every application not yet scored."""
    form = ScoreSheetForm(request.POST, round=round_, applications=_unscored(request, round_))
    if not form.applications:
        messages.error(request, _("没有待评分的项目"))
        return redirect("grants:round", round_.pk)
    submitted = _perform(
        request,
        form,
        lambda: services.score_sheet_submit(
            actor=signed_in_user(request), round=round_, sheet=form.sheet(), comments=form.comments()
        ),
        _("评分表已提交"),
    )
    if submitted is not None:
        return redirect("grants:round", round_.pk)
    return _round_page(request, round_, score_form=form)


@read_through(selectors.application_get, "application_id")
def application_detail(request: HttpRequest, app: Application) -> HttpResponse:
    return render(
        request,
        "grants/application.html",
        {"app": app, "scores": selectors.application_scores(actor=request.user, application=app)},
    )


def _is_audit_firm(user: Any, agreement: Any) -> bool:
    firm_id = agreement.application.round.audit_firm_id
    return bool(user.is_authenticated and firm_id is not None and getattr(user, "unit_id", None) == firm_id)


def _agreement_page(
    request: HttpRequest,
    agreement: Any,
    form: FinalAuditForm | None = None,
    status: int = 200,
    bound: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    if form is None and _is_audit_firm(request.user, agreement) and not hasattr(agreement, "final_audit"):
        form = FinalAuditForm()
    return render(
        request,
        "grants/agreement.html",
        {
            "agreement": agreement,
            "audit_form": form,
            "actions": _agreement_actions(request, agreement, bound or {}),
        },
        status=status,
    )


@_agreement_view
def agreement_detail(request: HttpRequest, agreement: Any) -> HttpResponse:
    return _agreement_page(request, agreement)


@login_required
@require_POST
@_agreement_view
def final_audit_post(request: HttpRequest, agreement: Any) -> HttpResponse:
    """The appointed audit firm records the final audit (结项审计)."""
    form = FinalAuditForm(request.POST)
    recorded = _perform(
        request,
        form,
        lambda: services.final_audit_record(
            actor=signed_in_user(request), agreement=agreement, **form.cleaned_data
        ),
        _("结项审计已录入"),
    )
    if recorded is not None:
        return redirect("grants:agreement", agreement.pk)
    return _agreement_page(request, agreement, form)


def report(request: HttpRequest) -> HttpResponse:
    """公益金使用情况年度报告 (public)."""
    year = selectors.report_year(request.GET.get("year"), clock.today())
    return render(
        request,
        "grants/report.html",
        {"year": year, "rows": selectors.fund_use_report(year), "years": selectors.years_with_grants()},
    )


def report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    """公益金使用情况年度报告 as PDF (public, like the web report)."""
    if not 2000 <= year <= 2100:
        raise Http404
    document = documents.fund_use_report(year, selectors.fund_use_report(year))
    return pdf_response(document, f"grants-fund-use-{year}.pdf")


# ---------------------------------------------------------------------------------------------
# Funder screens. Each action is one form feeding exactly one service; the table says when the
# funder's page offers it (the service still decides, so a stale page only shows its error).


class ConfirmForm(ServiceErrorFormMixin, forms.Form):
    """A button with nothing to fill in; a refusal shows above the button."""


@dataclass(frozen=True)
class Action:
    label: Promise
    button: Promise
    offered: Callable[[Any], bool]
    make_form: Callable[[Any, Any], forms.Form]
    call: Callable[[Any, Any, dict[str, Any]], Any]
    done: Promise
    danger: bool = False


def _values(form: forms.Form) -> dict[str, Any]:
    service_values = getattr(form, "service_values", None)
    return service_values() if service_values else dict(form.cleaned_data)


def _plain(data: Any, obj: Any) -> forms.Form:
    return ConfirmForm(data)


OPEN_ROUND = {
    RoundStatus.DRAFT,
    RoundStatus.PUBLISHED,
    RoundStatus.REVIEWING,
    RoundStatus.NOTICE,
    RoundStatus.DECIDED,
}

ROUND_ACTIONS: dict[str, Action] = {
    "publish": Action(
        gettext_lazy("发布申报指南"),
        gettext_lazy("发布"),
        lambda r: r.status == RoundStatus.DRAFT,
        _plain,
        lambda u, r, v: services.round_publish(actor=u, round=r),
        gettext_lazy("申报指南已发布"),
    ),
    "review": Action(
        gettext_lazy("申报截止，开始评审"),
        gettext_lazy("开始评审"),
        lambda r: r.status == RoundStatus.PUBLISHED,
        _plain,
        lambda u, r, v: services.round_review_start(actor=u, round=r),
        gettext_lazy("已进入评审阶段"),
    ),
    "panel": Action(
        gettext_lazy("抽取评审专家"),
        gettext_lazy("随机抽取"),
        lambda r: r.status == RoundStatus.REVIEWING and r.draw_id is None,
        lambda data, r: PanelDrawForm(data),
        lambda u, r, v: services.panel_draw(actor=u, round=r, **v),
        gettext_lazy("评审专家已抽取，请等待专家确认"),
    ),
    "pitch": Action(
        gettext_lazy("记录项目路演"),
        gettext_lazy("保存路演记录"),
        lambda r: r.status == RoundStatus.REVIEWING,
        lambda data, r: PitchForm(
            data, applications=selectors.applications_in(r, ApplicationStatus.ELIGIBLE)
        ),
        lambda u, r, v: services.pitch_record(actor=u, **v),
        gettext_lazy("路演记录已保存"),
    ),
    "rank": Action(
        gettext_lazy("汇总评分并在资金限额内排序"),
        gettext_lazy("排序"),
        lambda r: r.status == RoundStatus.REVIEWING and r.draw_id is not None,
        _plain,
        lambda u, r, v: services.round_rank(actor=u, round=r),
        gettext_lazy("已完成排序，拟资助名单已生成"),
    ),
    "notice": Action(
        gettext_lazy("发布拟资助名单公示"),
        gettext_lazy("发布公示"),
        lambda r: r.status == RoundStatus.REVIEWING and r.ranked_at is not None,
        _plain,
        lambda u, r, v: services.notice_publish(actor=u, round=r),
        gettext_lazy("拟资助名单已公示"),
    ),
    "decide": Action(
        gettext_lazy("公示期满，作出资助决定"),
        gettext_lazy("确定资助"),
        lambda r: r.status == RoundStatus.NOTICE,
        _plain,
        lambda u, r, v: services.round_decide(actor=u, round=r),
        gettext_lazy("资助决定已作出"),
    ),
    "sign": Action(
        gettext_lazy("签订资助协议"),
        gettext_lazy("签订协议"),
        lambda r: r.status == RoundStatus.DECIDED and bool(selectors.funded_unsigned(r)),
        lambda data, r: AgreementSignForm(data, applications=selectors.funded_unsigned(r)),
        lambda u, r, v: services.agreement_sign(actor=u, **v),
        gettext_lazy("资助协议已签订，首期资金已拨付"),
    ),
    "audit_firm": Action(
        gettext_lazy("委托结项审计机构"),
        gettext_lazy("保存"),
        lambda r: r.status in OPEN_ROUND,
        lambda data, r: AuditFirmForm(data, initial={"firm": r.audit_firm_id}),
        lambda u, r, v: services.round_assign_audit_firm(actor=u, round=r, **v),
        gettext_lazy("结项审计机构已委托"),
    ),
    "complete": Action(
        gettext_lazy("全部协议结项，完成本批次"),
        gettext_lazy("完成批次"),
        lambda r: r.status == RoundStatus.DECIDED,
        _plain,
        lambda u, r, v: services.round_complete(actor=u, round=r),
        gettext_lazy("本批次已完成"),
    ),
    "cancel": Action(
        gettext_lazy("取消本批次"),
        gettext_lazy("取消批次"),
        lambda r: r.status in (RoundStatus.DRAFT, RoundStatus.PUBLISHED),
        lambda data, r: ReasonForm(data),
        lambda u, r, v: services.round_cancel(actor=u, round=r, **v),
        gettext_lazy("本批次已取消"),
        danger=True,
    ),
}


def _pending_tranches(agreement: Any) -> int:
    return sum(1 for t in agreement.tranches.all() if t.status == TrancheStatus.PENDING)


AGREEMENT_ACTIONS: dict[str, Action] = {
    "midterm": Action(
        gettext_lazy("中期评估"),
        gettext_lazy("保存中期评估"),
        lambda a: (
            a.status == AgreementStatus.ACTIVE and a.midterm_passed is None and _pending_tranches(a) >= 2
        ),
        lambda data, a: MidtermForm(data),
        lambda u, a, v: services.midterm_review_record(actor=u, agreement=a, **v),
        gettext_lazy("中期评估已记录"),
    ),
    "final_review": Action(
        gettext_lazy("结项评估"),
        gettext_lazy("保存结项评估"),
        lambda a: a.status in (AgreementStatus.ACTIVE, AgreementStatus.STOPPED) and not a.final_grade,
        lambda data, a: FinalReviewForm(data),
        lambda u, a, v: services.final_review_record(actor=u, agreement=a, **v),
        gettext_lazy("结项评估已记录"),
    ),
    "fund_return": Action(
        gettext_lazy("登记退回资金"),
        gettext_lazy("登记退回"),
        lambda a: a.status == AgreementStatus.AUDITED,
        lambda data, a: FundReturnForm(data),
        lambda u, a, v: services.fund_return_record(actor=u, agreement=a, **v),
        gettext_lazy("退回资金已登记"),
    ),
}


def _offered(table: dict[str, Action], obj: Any, bound: dict[str, forms.Form]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "action": action,
            "form": bound.get(name) or action.make_form(None, obj),
        }
        for name, action in table.items()
        if name in bound or action.offered(obj)
    ]


def _round_actions(request: HttpRequest, round_: Round, bound: dict[str, forms.Form]) -> list[dict[str, Any]]:
    return _offered(ROUND_ACTIONS, round_, bound)


def _may_act_on_agreement(user: Any, agreement: Any, name: str) -> bool:
    round_ = agreement.application.round
    return services.is_funder(user, round_) or (name == "fund_return" and has_role(user, Role.FINANCE))


def _agreement_actions(
    request: HttpRequest, agreement: Any, bound: dict[str, forms.Form]
) -> list[dict[str, Any]]:
    return [
        item
        for item in _offered(AGREEMENT_ACTIONS, agreement, bound)
        if _may_act_on_agreement(request.user, agreement, item["name"])
    ]


def _decide_forms(round_: Round, bound: dict[str, forms.Form]) -> list[tuple[Any, forms.Form]]:
    return [
        (item, bound.get(f"objection{item.pk}") or ObjectionDecideForm(prefix=f"o{item.pk}"))
        for item in selectors.objections_pending(round_)
    ]


def _forbidden(request: HttpRequest) -> HttpResponse:
    return error_page(request, PermissionDenied(Code.PERM_OTHER_UNIT))


def _post_on(
    request: HttpRequest,
    fetch: Callable[[], Any],
    allowed: Callable[[Any], bool],
    make_form: Callable[[Any], forms.Form],
    call: Callable[[Any, forms.Form], Any],
    done: str | Promise,
    back: Callable[[Any], HttpResponse],
    again: Callable[[Any, forms.Form], HttpResponse],
) -> HttpResponse:
    """A funder's POST on one object: read it by `fetch` (a selector scoped to the user; a refusal
    renders the error page), refuse whom `allowed` does not admit, parse `make_form`'s form and
    `call` its one service; then `back` (redirect), or `again` (the page with the bound form)."""
    try:
        obj = fetch()
    except ServiceError as exc:
        return error_page(request, exc)
    if not allowed(obj):
        return _forbidden(request)
    form = make_form(obj)
    if _perform(request, form, lambda: call(obj, form), done) is not None:
        return back(obj)
    return again(obj, form)


def _action_post(
    request: HttpRequest,
    table: dict[str, Action],
    name: str,
    fetch: Callable[[], Any],
    allowed: Callable[[Any], bool],
    url: str,
    page: Callable[..., HttpResponse],
) -> HttpResponse:
    """Action `name` of `table` on the object `fetch` reads (404 for an unknown action); success
    redirects to `url` of the object, a refusal renders `page` again on a fresh read."""
    action = table.get(name)
    if action is None:
        raise Http404
    return _post_on(
        request,
        fetch,
        allowed,
        lambda obj: action.make_form(request.POST, obj),
        lambda obj, form: action.call(request.user, obj, _values(form)),
        action.done,
        lambda obj: redirect(url, obj.pk),
        lambda obj, form: page(request, fetch(), bound={name: form}),
    )


@login_required
@require_POST
def round_action(request: HttpRequest, round_id: int, name: str) -> HttpResponse:
    """One funder action on a round (publish, review, panel, pitch, rank, notice, decide, sign,
    audit firm, complete, cancel): the form is parsed, its one service called."""
    user = request.user
    fetch = partial(selectors.round_get, actor=user, round_id=round_id)
    allowed = partial(services.is_funder, user)
    return _action_post(request, ROUND_ACTIONS, name, fetch, allowed, "grants:round", _round_page)


@login_required
@require_POST
def agreement_action(request: HttpRequest, agreement_id: int, name: str) -> HttpResponse:
    """One action on an agreement: mid-term review, final review (funder), fund return (funder or
    finance)."""
    user = request.user
    return _action_post(
        request,
        AGREEMENT_ACTIONS,
        name,
        lambda: selectors.agreement_get(actor=user, agreement_id=agreement_id),
        lambda agreement: _may_act_on_agreement(user, agreement, name),
        "grants:agreement",
        _agreement_page,
    )


@login_required
@require_POST
def objection_decide_post(request: HttpRequest, objection_id: int) -> HttpResponse:
    """The funder decides an objection with reasons (the decision is published on the round page)."""
    return _post_on(
        request,
        lambda: selectors.objection_get(actor=request.user, objection_id=objection_id),
        lambda item: services.is_funder(request.user, item.round),
        lambda item: ObjectionDecideForm(request.POST, prefix=f"o{item.pk}"),
        lambda item, form: services.objection_decide(
            actor=signed_in_user(request), objection=item, **form.cleaned_data
        ),
        _("异议已处理，处理结果已公开"),
        lambda item: redirect("grants:round", item.round_id),
        lambda item, form: _round_page(
            request,
            selectors.round_get(actor=request.user, round_id=item.round_id),
            bound={f"objection{item.pk}": form},
        ),
    )


# ---------------------------------------------------------------------------------------------
# Public objections


def _objection_form(request: HttpRequest, round_: Round) -> ObjectionForm | None:
    """Offered to everyone during the notice period except the funder's staff and auditors."""
    if not services.objection_window_open(round_):
        return None
    if services.is_funder(request.user, round_) or has_role(request.user, Role.AUDITOR):
        return None
    initial = {"filer_name": str(request.user)} if request.user.is_authenticated else None
    return ObjectionForm(
        listed=selectors.applications_in(round_, ApplicationStatus.PROPOSED), initial=initial
    )


@require_POST
@_round_view
def objection_post(request: HttpRequest, round_: Round) -> HttpResponse:
    """Anyone, signed in or not, objects to a project on the proposed list (rate-limited)."""
    form = ObjectionForm(request.POST, listed=selectors.applications_in(round_, ApplicationStatus.PROPOSED))
    limit, window = services.OBJECTION_RATE
    if not ratelimit.allow(
        f"grants-objection:{ratelimit.client_ip(request)}", limit=limit, window_seconds=window
    ):
        form.add_error(None, _("提交过于频繁，请稍后再试"))
        return _round_page(request, round_, objection_form=form, status=429)
    filed = _perform(
        request,
        form,
        lambda: services.objection_file(actor=request.user, round=round_, **form.service_values()),
        _("异议已提交，资助单位处理后将在本页公开处理结果"),
    )
    if filed is not None:
        return redirect("grants:round", round_.pk)
    return _round_page(request, round_, objection_form=form)


# ---------------------------------------------------------------------------------------------
# New programmes and rounds


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    """A funder unit's staff set up a programme."""
    user: Any = request.user
    if not has_role(user, Role.PURCHASER) or user.unit is None:
        return _forbidden(request)
    funder_unit = user.unit
    form = ProgrammeForm(request.POST or None)
    if (
        request.method == "POST"
        and _perform(
            request,
            form,
            lambda: services.programme_create(actor=user, funder_unit=funder_unit, **form.cleaned_data),
            _("资助项目已创建"),
        )
        is not None
    ):
        return redirect("grants:round_new")
    return render(request, "grants/new.html", {"form": form, "heading": _("新建资助项目")})


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    """A draft round: eligibility rules, caps, timetable and scoring template."""
    user: Any = request.user
    if not has_role(user, Role.PURCHASER):
        return _forbidden(request)
    form = RoundForm(request.POST or None, unit=user.unit)
    round_ = None
    if request.method == "POST":
        round_ = _perform(
            request,
            form,
            lambda: services.round_create(actor=user, **form.service_values()),
            _("资助批次草稿已保存，核对后发布"),
        )
    if round_ is not None:
        return redirect("grants:round", round_.pk)
    return render(
        request,
        "grants/new.html",
        {"form": form, "heading": _("新建资助批次"), "programmes": selectors.my_programmes(actor=user)},
    )
