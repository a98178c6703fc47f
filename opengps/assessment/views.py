"""Assessment pages (/assessment/): the registration authority's rounds, indicator sets, applications
and committee; the evaluator's scoring form; the organization's application; and the public notices
with the objection form. Each action posts to its own URL (STYLE 14): a form parses it, the object
comes through the actor-scoped selector, one service acts; a refusal shows the page again with the
error beside its field and the refusal's status."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from opengps.accounts.actors import Actor, signed_in_user
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.assessment import documents, facts, forms, selectors, services
from opengps.assessment.errors import Code
from opengps.assessment.models import (
    Application,
    ApplicationStatus,
    Evidence,
    Indicator,
    Objection,
    ObjectionStatus,
    Round,
    RoundStatus,
    Section,
)
from opengps.core import clock, ratelimit
from opengps.core.errors import PermissionDenied
from opengps.core.forms import run_service
from opengps.core.timeline import readable
from opengps.core.views import View, error_page, one_action, read_through
from opengps.rules import assessment as rules

TONES: dict[str, str] = {
    ApplicationStatus.SUBMITTED: "info",
    ApplicationStatus.ELIGIBLE: "info",
    ApplicationStatus.INELIGIBLE: "bad",
    ApplicationStatus.ASSESSED: "info",
    ApplicationStatus.PROPOSED: "warn",
    ApplicationStatus.RATED: "ok",
    ApplicationStatus.NOT_RATED: "bad",
    ApplicationStatus.DOWNGRADED: "warn",
    ApplicationStatus.REVOKED: "bad",
}
FIELDS = {
    "status": gettext_lazy("状态"),
    "score": gettext_lazy("评估得分"),
    "proposed_level": gettext_lazy("拟定等级"),
    "total": gettext_lazy("评分表总分"),
    "self_total": gettext_lazy("自评总分"),
    "reasons": gettext_lazy("审核意见"),
    "name": gettext_lazy("文件名"),
    "notice_published_on": gettext_lazy("公示开始日期"),
    "notice_last_day": gettext_lazy("公示截止日期"),
    "committee_met_on": gettext_lazy("评估委员会会议日期"),
    "decision_no": gettext_lazy("评估决定文号"),
    "level": gettext_lazy("评定等级"),
    "level_before": gettext_lazy("复核前等级"),
    "level_after": gettext_lazy("复核后等级"),
    "valid_until": gettext_lazy("有效期至"),
    "body": gettext_lazy("第三方评估机构"),
}


def _perform(
    request: HttpRequest, form: Any, call: Callable[[], Any], done: str | Promise
) -> tuple[Any, int]:
    """The service's result with `done` queued, and 200; or None with the refusal beside its field
    and its status (400 for a form the parser refuses)."""
    if not form.is_valid():
        return None, 400
    outcome = run_service(form, call)
    if not outcome.ok:
        return None, outcome.status
    messages.success(request, str(done))
    return outcome.result, 200


def _level(level: int | None) -> str:
    return f"{level}A" if level else _("未达到等级")


def _timeline(obj: Round | Application | Objection) -> Any:
    return readable(
        selectors.timeline(obj), fields=FIELDS, choices={"status": dict(ApplicationStatus.choices)}
    )


# ---------------------------------------------------------------------------------------------
# Rounds and indicator sets


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """社会组织评估 — the rounds the actor sees, with what each role does next."""
    user = signed_in_user(request)
    rows = [
        [
            {"text": r.name, "url": reverse("assessment:round", args=[r.pk]), "kind": "name"},
            r.authority.name,
            r.indicator_set.get_org_type_display(),
            f"{r.opens_on:%Y-%m-%d} — {r.closes_on:%Y-%m-%d}",
            r.body.name,
            {
                "text": r.get_status_display(),
                "kind": "badge",
                "tone": "ok" if r.status == RoundStatus.DECIDED else "info",
            },
        ]
        for r in selectors.rounds_visible(actor=user)[:200]
    ]
    columns = [_("评估轮次"), _("登记管理机关"), _("组织类型"), _("申报期"), _("第三方评估机构"), _("状态")]
    return render(
        request,
        "assessment/index.html",
        {"rows": rows, "columns": columns, "manager": has_role(user, *services.MANAGERS)},
    )


def _sets_page(request: HttpRequest, form: forms.IndicatorSetForm, status: int = 200) -> HttpResponse:
    sets = []
    for item in selectors.indicator_sets():
        sets.append({"set": item, "items": list(selectors.indicators(item))})
    return render(
        request,
        "assessment/sets.html",
        {"sets": sets, "form": form, "manager": has_role(request.user, *services.MANAGERS)},
        status=status,
    )


@login_required
def indicator_sets(request: HttpRequest) -> HttpResponse:
    """评估指标体系 — every version; the registration authority adds a new one."""
    if request.method != "POST":
        return _sets_page(request, forms.IndicatorSetForm())
    user = signed_in_user(request)
    form = forms.IndicatorSetForm(request.POST)
    made, status = _perform(
        request,
        form,
        lambda: services.indicator_set_create(actor=user, **form.cleaned_data),
        _("评估指标体系已保存"),
    )
    if made is not None:
        return redirect("assessment:sets")
    return _sets_page(request, form, status)


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    """启动评估 — the registration authority opens a round and appoints the assessment body."""
    user = signed_in_user(request)
    if not has_role(user, *services.MANAGERS):
        return error_page(request, PermissionDenied(Code.ASSESSMENT_OUT_OF_SCOPE))
    form = forms.RoundForm(request.POST or None)
    status = 200
    if request.method == "POST":
        made, status = _perform(
            request, form, lambda: services.round_open(actor=user, **form.cleaned_data), _("评估轮次已启动")
        )
        if made is not None:
            return redirect("assessment:round", made.pk)
    return render(request, "assessment/round_new.html", {"form": form}, status=status)


def _round_page(request: HttpRequest, round_: Round, failed: Any = None, status: int = 200) -> HttpResponse:
    user = signed_in_user(request)
    manager = services.manages(user, round_)
    assessor = services.is_assessor(user, round_)
    apps = list(selectors.applications_of(actor=user, round_=round_))
    rows = []
    for app in apps:
        rows.append(
            [
                {
                    "text": app.organization.name,
                    "url": reverse("assessment:application", args=[app.pk]),
                    "kind": "name",
                },
                app.applied_on.isoformat(),
                {"text": app.self_total, "kind": "num"},
                {"text": app.score if app.score is not None else "—", "kind": "num"},
                _level(app.proposed_level) if app.status in selectors.PUBLIC_APPLICATIONS else "—",
                {"text": app.get_status_display(), "kind": "badge", "tone": TONES.get(app.status, "info")},
            ]
        )
    columns = [_("社会组织"), _("申报日期"), _("自评总分"), _("评估得分"), _("拟定等级"), _("状态")]
    page_forms: dict[str, Any] = {
        "committee": forms.CommitteeForm(),
        "notice": forms.NoticeForm(),
        "decide": forms.DecideForm(),
    }
    if failed is not None:
        page_forms[failed.action] = failed
    objections = list(selectors.objections_of(round_)) if manager or has_role(user, Role.AUDITOR) else []
    reviews = {
        o.pk: (
            failed
            if isinstance(failed, forms.ReviewForm) and failed.row == str(o.pk)
            else forms.ReviewForm(initial={"objection": o.pk})
        )
        for o in objections
        if o.status == ObjectionStatus.PENDING
    }
    published = round_.notice_published_on
    context = {
        "round": round_,
        "rows": rows,
        "columns": columns,
        "manager": manager,
        "assessor": assessor,
        "to_score": [a for a in apps if a.status == ApplicationStatus.ELIGIBLE] if assessor else [],
        "can_apply": has_role(user, Role.SUPPLIER)
        and round_.status == RoundStatus.OPEN
        and round_.opens_on <= clock.today() <= round_.closes_on
        and not any(a.organization_id == user.organization_id for a in apps),
        "forms": page_forms,
        "objections": [(o, reviews.get(o.pk)) for o in objections],
        "notice_last_day": rules.notice_last_day(published) if published else None,
        "items": list(selectors.indicators(round_.indicator_set)),
        "timeline": _timeline(round_) if manager or has_role(user, Role.AUDITOR) else [],
    }
    return render(request, "assessment/round.html", context, status=status)


@login_required
@require_safe
@read_through(selectors.round_get, "pk")
def round_detail(request: HttpRequest, round_: Round) -> HttpResponse:
    """The round: its applications, and the committee, notice, review and decision forms."""
    return _round_page(request, round_)


def _action(
    scope: Callable[..., Any],
    form_class: type[Any],
    page: Callable[..., HttpResponse],
    url: str,
    done: Promise,
) -> Callable[[Callable[..., Any]], View]:
    """Make `act` — one service call with the valid form's data — the view of one action URL on the
    round or application the actor's `scope` reads (`one_action`): a refusal shows its `page` again
    with the error beside its field, success goes back to it (`url`)."""
    return one_action(
        actor=signed_in_user,
        scope=scope,
        form=lambda request, obj: form_class(request.POST, request.FILES),
        page=page,
        done=done,
        success=lambda obj, result: redirect(url, obj.pk),
        not_found=error_page,
    )


def _round_action(form_class: type[Any], done: Promise) -> Callable[[Callable[..., Any]], View]:
    return _action(selectors.round_get, form_class, _round_page, "assessment:round", done)


@_round_action(forms.CommitteeForm, gettext_lazy("评估委员会已按分数段拟定等级"))
def round_committee(request: HttpRequest, user: Actor, round_: Round, form: Any) -> Any:
    return services.committee_propose(actor=user, round=round_, note=form.cleaned_data["note"])


@_round_action(forms.NoticeForm, gettext_lazy("拟定等级已公示"))
def round_notice(request: HttpRequest, user: Actor, round_: Round, form: Any) -> Any:
    return services.notice_publish(actor=user, round=round_)


@_round_action(forms.DecideForm, gettext_lazy("评估决定已发布，评估等级已记入社会组织名录"))
def round_decide(request: HttpRequest, user: Actor, round_: Round, form: Any) -> Any:
    return services.round_decide(actor=user, round=round_, decision_no=form.cleaned_data["decision_no"])


@_round_action(forms.ReviewForm, gettext_lazy("复核意见已记录"))
def objection_review(request: HttpRequest, user: Actor, round_: Round, form: Any) -> Any:
    """复核 one objection of a round the actor manages."""
    objection = selectors.objection_get(actor=user, pk=form.cleaned_data["objection"])
    return services.objection_review(
        actor=user,
        objection=objection,
        upheld=form.cleaned_data["upheld"],
        decision=form.cleaned_data["decision"],
        level=form.level_value(),
    )


# ---------------------------------------------------------------------------------------------
# Applications


@login_required
@read_through(selectors.round_get, "pk")
def apply(request: HttpRequest, round_: Round) -> HttpResponse:
    """申报评估 — an organization's member applies with its self-assessment."""
    user = signed_in_user(request)
    items = list(selectors.indicators(round_.indicator_set))
    form = forms.ApplyForm(request.POST or None, items=items)
    status = 200
    if request.method == "POST":
        made, status = _perform(
            request,
            form,
            lambda: services.application_submit(
                actor=user, round=round_, self_scores=form.scores(), self_note=form.cleaned_data["self_note"]
            ),
            _("已申报，请上传佐证材料，等待登记管理机关审核"),
        )
        if made is not None:
            return redirect("assessment:application", made.pk)
    return render(request, "assessment/apply.html", {"round": round_, "form": form}, status=status)


def _application_page(
    request: HttpRequest, app: Application, failed: Any = None, status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    round_ = app.round
    manager = services.manages(user, round_)
    member = has_role(user, Role.SUPPLIER) and user.organization_id == app.organization_id
    items = list(selectors.indicators(round_.indicator_set))
    sees_sheets = manager or has_role(user, Role.AUDITOR) or services.is_assessor(user, round_)
    sheets = list(app.sheets.select_related("assessor")) if sees_sheets else []
    page_forms: dict[str, Any] = {
        "screen": forms.ScreenForm(),
        "evidence": forms.EvidenceForm(),
        "sanction": forms.SanctionForm(),
    }
    if failed is not None:
        page_forms[failed.action] = failed
    context = {
        "app": app,
        "round": round_,
        "manager": manager,
        "member": member,
        "items": [
            {
                "item": i,
                "self": app.self_scores.get(i.code, ""),
                "sheets": [s.scores.get(i.code, "") for s in sheets],
            }
            for i in items
        ],
        "sheets": sheets,
        "evidence": list(app.evidence.only("pk", "name", "kind", "size", "uploaded_at")),
        "forms": page_forms,
        "can_screen": manager and app.status == ApplicationStatus.SUBMITTED,
        "can_sanction": manager and app.status in services.SANCTIONABLE,
        "sanctions": list(selectors.sanctions_of(app)) if manager or member else [],
        "can_upload": member and app.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE),
        "can_score": services.is_assessor(user, round_)
        and app.status == ApplicationStatus.ELIGIBLE
        and not any(s.assessor_id == user.pk for s in sheets),
        "proposed": _level(app.proposed_level) if app.status in selectors.PUBLIC_APPLICATIONS else "",
        "timeline": _timeline(app) if manager or member or has_role(user, Role.AUDITOR) else [],
        "facts": facts.application_facts(app, items, viewer=user) if facts.readable_by(user, round_) else [],
    }
    return render(request, "assessment/application.html", context, status=status)


@login_required
@require_safe
@read_through(selectors.application_get, "pk")
def application_detail(request: HttpRequest, app: Application) -> HttpResponse:
    """One application: self-assessment, screening reasons, evidence, sheets and timeline."""
    return _application_page(request, app)


def _application_action(form_class: type[Any], done: Promise) -> Callable[[Callable[..., Any]], View]:
    return _action(selectors.application_get, form_class, _application_page, "assessment:application", done)


@_application_action(forms.ScreenForm, gettext_lazy("审核完成"))
def application_screen(request: HttpRequest, user: Actor, app: Application, form: Any) -> Any:
    return services.application_screen(actor=user, application=app)


@_application_action(forms.EvidenceForm, gettext_lazy("佐证材料已上传"))
def evidence_upload(request: HttpRequest, user: Actor, app: Application, form: Any) -> Any:
    upload = form.cleaned_data["file"]
    return services.evidence_upload(actor=user, application=app, name=upload.name, content=upload.read())


@_application_action(forms.SanctionForm, gettext_lazy("评估等级处理决定已记录"))
def application_sanction(request: HttpRequest, user: Actor, app: Application, form: Any) -> Any:
    """降低或取消评估等级 on a finding, by the registration authority."""
    data = form.cleaned_data
    return services.rating_sanction(
        actor=user,
        application=app,
        kind=data["kind"],
        finding=data["finding"],
        reason=data["reason"],
        decision_no=data["decision_no"],
        level=data["level"],
        serious=data["serious"],
    )


@login_required
@require_safe
@read_through(selectors.evidence_get, "pk")
def evidence_download(request: HttpRequest, item: Evidence) -> HttpResponseBase:
    return FileResponse(io.BytesIO(bytes(item.content)), as_attachment=True, filename=item.name)


def _sheet_groups(
    form: forms.SheetForm, items: list[Indicator], found: list[facts.SectionFacts]
) -> list[dict[str, Any]]:
    """The sheet's indicator boxes by section, in the set's order, each with the platform's facts
    about the organization that inform that section; facts of a section the set lacks come first."""
    by_section = {group.section: group.facts for group in found}
    groups: list[dict[str, Any]] = [
        {"label": group.label, "facts": group.facts, "fields": []}
        for group in found
        if not any(item.section == group.section for item in items)
    ]
    for section in dict.fromkeys(item.section for item in items):
        names = [
            name
            for item in items
            if item.section == section
            for name in (f"score_{item.code}", f"comment_{item.code}")
            if name in form.fields
        ]
        groups.append(
            {
                "label": str(Section(section).label),
                "facts": by_section.get(section, []),
                "fields": [form[name] for name in names],
            }
        )
    return groups


@login_required
@read_through(selectors.application_get, "pk")
def score(request: HttpRequest, app: Application) -> HttpResponse:
    """评估评分表 — an assessor of the round's body scores each indicator, with the site visit."""
    user = signed_in_user(request)
    items = list(selectors.indicators(app.round.indicator_set))
    form = forms.SheetForm(request.POST or None, items=items)
    status = 200
    if request.method == "POST":
        made, status = _perform(
            request,
            form,
            lambda: services.sheet_submit(
                actor=user,
                application=app,
                scores=form.scores(),
                comments=form.comments(),
                visited_on=form.cleaned_data["visited_on"],
                visit_record=form.cleaned_data["visit_record"],
            ),
            _("评分表已提交"),
        )
        if made is not None:
            return redirect("assessment:round", app.round_id)
    elif not services.is_assessor(user, app.round):
        return error_page(request, PermissionDenied(Code.ASSESSMENT_NOT_ASSESSOR))
    found = facts.application_facts(app, items, viewer=user) if facts.readable_by(user, app.round) else []
    context = {
        "app": app,
        "form": form,
        "groups": _sheet_groups(form, items, found),
        "visit": [form["visited_on"], form["visit_record"]],
    }
    return render(request, "assessment/score.html", context, status=status)


@require_safe
@read_through(selectors.certificate_get, "pk", scoped=False)
def certificate(request: HttpRequest, app: Application) -> HttpResponse:
    """社会组织评估等级证书 (PDF, embedded fonts) of a rated application; public, as the rating is."""
    response = HttpResponse(documents.render(documents.certificate(app)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rating-certificate-{app.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# Public notices


@require_safe
def notices(request: HttpRequest) -> HttpResponse:
    """评估结果公示 — rounds on notice and decided, for everyone."""
    return render(request, "assessment/notices.html", {"rounds": list(selectors.notices()[:100])})


def _notice_page(request: HttpRequest, round_: Round, form: Any = None, status: int = 200) -> HttpResponse:
    listed = selectors.notice_applications(round_)
    open_ = services.notice_open(round_)
    if form is None and open_ and not services.manages(request.user, round_):
        form = forms.ObjectionForm(listed=listed.filter(status=ApplicationStatus.PROPOSED))
    published = round_.notice_published_on
    context = {
        "round": round_,
        "listed": [(a, _level(a.rating.level if a.rating else a.proposed_level)) for a in listed],
        "open": open_,
        "last_day": rules.notice_last_day(published) if published else None,
        "objections": list(selectors.objections_of(round_)),
        "form": form,
    }
    return render(request, "assessment/notice.html", context, status=status)


@require_safe
@read_through(selectors.notice_get, "pk", scoped=False)
def notice(request: HttpRequest, round_: Round) -> HttpResponse:
    return _notice_page(request, round_)


@require_POST
@read_through(selectors.notice_get, "pk", scoped=False)
def notice_object(request: HttpRequest, round_: Round) -> HttpResponse:
    """Anyone, signed in or not, objects to a proposed level during the notice (rate-limited)."""
    listed = selectors.notice_applications(round_).filter(status=ApplicationStatus.PROPOSED)
    form = forms.ObjectionForm(request.POST, listed=listed)
    limit, window = services.OBJECTION_RATE
    if not ratelimit.allow(
        f"assessment-objection:{ratelimit.client_ip(request)}", limit=limit, window_seconds=window
    ):
        form.add_error(None, _("提交过于频繁，请稍后再试"))
        return _notice_page(request, round_, form, 429)
    made, status = _perform(
        request,
        form,
        lambda: services.objection_file(
            actor=request.user,
            application=form.cleaned_data["application"],
            text=form.cleaned_data["text"],
            filer_name=form.cleaned_data["filer_name"],
            filer_contact=form.cleaned_data["filer_contact"],
        ),
        _("异议已提交，登记管理机关复核后将在本页公开复核意见"),
    )
    if made is not None:
        return redirect("assessment:notice", round_.pk)
    return _notice_page(request, round_, form, status)
