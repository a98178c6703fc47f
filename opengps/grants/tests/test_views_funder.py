"""The funder's screens, from a new programme to a completed round, and the public objection
route: each step one form posting to one service, errors beside their fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opengps.accounts.models import User
from opengps.core.models import AuditEvent
from opengps.demo.world import (
    GRANT_DECIDE_ON,
    GRANT_NOTICE_ON,
    GRANT_REVIEW_ON,
    GRANT_SUBMIT_ON,
    GrantsWorld,
    grant_application_values,
)
from opengps.experts.services import draw_member_respond
from opengps.grants import services
from opengps.grants.models import (
    Agreement,
    AgreementStatus,
    Application,
    ApplicationStatus,
    Objection,
    ObjectionStatus,
    PitchSession,
    Programme,
    Round,
    RoundStatus,
)

pytestmark = pytest.mark.django_db


class _PinnedDays(dict[str, date]):
    """`clock["today"] = day` moves the one clock (screens never pass a day to the services).

    Weeks pass between the steps, so the signed-in official's session has expired by then: she
    signs in again on the new day."""

    def __init__(self, pin: Callable[..., None], client: Client) -> None:
        super().__init__()
        self._pin, self._client = pin, client

    def __setitem__(self, key: str, day: date) -> None:
        user_id = self._client.session.get("_auth_user_id")
        super().__setitem__(key, day)
        self._pin(day)
        if user_id:
            self._client.force_login(User.objects.get(pk=user_id))


@pytest.fixture
def clock(clock_at: Callable[..., None], client: Client) -> dict[str, date]:
    days = _PinnedDays(clock_at, client)
    days["today"] = date(2023, 3, 20)
    return days


def _actions(since: int) -> list[str]:
    actions = AuditEvent.objects.filter(seq__gt=since).order_by("seq").values_list("action", flat=True)
    timeline: list[str] = []
    for action in actions:
        if action.startswith("grant") and (not timeline or timeline[-1] != action):
            timeline.append(action)
    return timeline


def _bound(response: Any, name: str) -> Any:
    return next(item["form"] for item in response.context["actions"] if item["name"] == name)


ROUND_FORM = {
    "year": "2023",
    "title": "2023年度公益创投大赛",
    "total_amount": "300000.00",
    "per_project_cap": "120000.00",
    "purpose_areas": ["elderly", "disabled"],
    "min_rating": "3",
    "min_years_registered": "2",
    "regions": "430000",
    "exclude_abnormal": "on",
    "call_opens": "2023-04-01",
    "call_closes": "2023-04-30",
    "review_by": "2023-05-31",
    "objection_days": "5",
    "agreement_by": "2023-06-30",
    "criteria": "need：需求分析：30\ndesign：项目设计与可行性：40\ncapacity：执行能力：30",
    "pass_score": "60",
    "tranche_shares": "50，30，20",
    "expert_category": "A09",
    "audit_firm": "",
    "call_text": "每个组织限报1个项目。",
}


SCREENS_TIMELINE = [
    "grant_programme.created",
    "grant_round.created",
    "grant_round.published",
    "grant_round.audit_firm_assigned",
    "grant_application.draft_saved",
    "grant_application.submitted",
    "grant_application.screened",
    "grant_round.review_started",
    "grant_round.panel_drawn",
    "grant_review.scored",
    "grant_review.pitch_recorded",
    "grant_application.ranked",
    "grant_round.ranked",
    "grant_round.notice_published",
    "grant_objection.filed",
    "grant_objection.dismissed",
    "grant_application.funded",
    "grant_round.decided",
    "grant_agreement.signed",
    "grant_tranche.released",
    "grant_agreement.midterm_passed",
    "grant_tranche.released",
    "grant_agreement.final_reviewed",
    "grant_agreement.audited",
    "grant_tranche.stopped",
    "grant_agreement.funds_returned",
    "grant_agreement.closed",
    "grant_round.completed",
]
"""The audit timeline of a round carried through the screens below, in chain order."""


def _act(client: Client, round_: Round, name: str, payload: dict[str, Any] | None = None) -> Any:
    return client.post(reverse("grants:round_action", args=[round_.pk, name]), payload or {})


def _on_agreement(client: Client, agreement: Agreement, name: str, payload: dict[str, Any]) -> Any:
    return client.post(reverse("grants:agreement_action", args=[agreement.pk, name]), payload)


def _programme_and_round_on_screen(client: Client, world: GrantsWorld) -> Round:
    """The funder opens the forms, sets up a programme and saves a draft round (a bad template is
    refused beside its field)."""
    client.force_login(world.funder)
    assert reverse("grants:round_new").encode() in client.get(reverse("grants:index")).content
    assert b'name="name"' in client.get(reverse("grants:programme_new")).content
    blank = client.get(reverse("grants:round_new"))
    assert blank.status_code == 200 and b'name="criteria"' in blank.content
    assert world.programme.name in blank.content.decode()

    # given a new venture-philanthropy programme
    response = client.post(
        reverse("grants:programme_new"),
        {"name": "湖南省公益创投", "fund_source": "welfare_lottery", "is_venture_philanthropy": "on"},
    )
    assert response.status_code == 302
    programme = Programme.objects.get(name="湖南省公益创投")
    assert programme.is_venture_philanthropy and programme.funder_unit_id == world.funder.unit_id

    # when the round form has a template not adding up to 100, the error is beside the template
    data = {**ROUND_FORM, "programme": str(programme.pk), "budget_line": str(world.line.pk)}
    bad = client.post(
        reverse("grants:round_new"), {**data, "criteria": "need：需求分析：30\ndesign：设计：40"}
    )
    assert bad.status_code == 200 and bad.context["form"].errors["criteria"]
    assert 'id="id_criteria-error"' in bad.content.decode()
    assert not Round.objects.filter(title=ROUND_FORM["title"]).exists()
    # and a good one saves a draft with the conditions, caps, timetable and template
    response = client.post(reverse("grants:round_new"), data)
    round_ = Round.objects.get(title=ROUND_FORM["title"])
    assert response.status_code == 302 and response["Location"] == reverse("grants:round", args=[round_.pk])
    assert (round_.status, round_.min_rating, round_.regions) == (RoundStatus.DRAFT, 3, ["430000"])
    assert round_.tranche_shares == [50, 30, 20] and [c["weight"] for c in round_.criteria] == [30, 40, 30]
    return round_


def _call_to_notice_on_screen(
    client: Client, world: GrantsWorld, round_: Round, make_org: Callable[..., Any], clock: dict[str, date]
) -> Application:
    """Publish, name the audit firm, one application, review, panel, scores, pitch, ranking, notice."""

    act = partial(_act, client, round_)

    # when the funder publishes and names the audit firm
    assert act("publish").status_code == 302
    assert act("audit_firm", {"firm": str(world.firm.pk)}).status_code == 302
    # and an organization applies (screened on submission)
    _org, member = make_org()
    app = services.application_save(actor=member, round=round_, **grant_application_values())
    app = services.application_submit(actor=member, application=app, today=GRANT_SUBMIT_ON)
    assert app.status == ApplicationStatus.ELIGIBLE

    # then review cannot start while the call is open: the refusal shows above the button
    clock["today"] = GRANT_SUBMIT_ON
    early = act("review")
    assert early.status_code == 200 and "申报截止" in str(_bound(early, "review").non_field_errors())
    clock["today"] = GRANT_REVIEW_ON
    assert act("review").status_code == 302

    # when the panel is drawn (a bad size is refused beside the field), accepts and scores
    assert _bound(act("panel", {"needed": "2"}), "panel").errors["needed"]
    assert act("panel", {"needed": "3"}).status_code == 302
    round_.refresh_from_db()
    assert round_.draw is not None
    for m in round_.draw.members.select_related("expert__user"):
        assert m.expert.user is not None
        draw_member_respond(actor=m.expert.user, member=m, accept=True, no_conflict_confirmed=True)
        assert m.expert.user is not None
        services.score_submit(
            actor=m.expert.user, application=app, scores={"need": "28", "design": "36", "capacity": "28"}
        )
    pitch = {"application": str(app.pk), "held_on": "2023-05-10", "location": "省民政厅会议室"}
    assert act("pitch", pitch).status_code == 302
    assert PitchSession.objects.filter(application=app).count() == 1
    assert act("rank").status_code == 302
    clock["today"] = GRANT_NOTICE_ON
    assert act("notice").status_code == 302
    return app


def _objection_and_decision_on_screen(
    client: Client, round_: Round, app: Application, clock: dict[str, date]
) -> None:
    """A visitor objects from the public page; the funder decides the objection, then funding."""

    act = partial(_act, client, round_)

    # and during the notice anyone — here a visitor not signed in — objects from the public page
    visitor = Client()
    page = visitor.get(reverse("grants:round", args=[round_.pk]))
    assert page.context["objection_form"] is not None
    url = reverse("grants:objection_post", args=[round_.pk])
    text = "该项目服务对象与另一在办项目重复"
    missing = visitor.post(url, {"application": str(app.pk), "filer_name": "李明", "text": text})
    assert missing.status_code == 200 and missing.context["objection_form"].errors["filer_contact"]
    filed = visitor.post(
        url, {"application": str(app.pk), "filer_name": "李明", "filer_contact": "13800001111", "text": text}
    )
    assert filed.status_code == 302
    objection = Objection.objects.get(round=round_)
    assert objection.filed_by is None and objection.filer_contact == "13800001111"

    # then the funder cannot decide funding with the objection pending, and decides it first
    clock["today"] = GRANT_DECIDE_ON
    assert "尚有未处理的异议" in str(_bound(act("decide"), "decide").non_field_errors())
    funder_page = client.get(reverse("grants:round", args=[round_.pk]))
    assert "13800001111" in funder_page.content.decode()  # the contact, for the funder's reply
    decide_url = reverse("grants:objection_decide", args=[objection.pk])
    blank = client.post(decide_url, {f"o{objection.pk}-upheld": "0", f"o{objection.pk}-decision": ""})
    assert blank.status_code == 200
    (_item, form), *_ = blank.context["decide_forms"]
    assert form.errors["decision"]
    reply = "经核查，两项目服务对象不重复，异议不成立"
    assert (
        client.post(
            decide_url, {f"o{objection.pk}-upheld": "0", f"o{objection.pk}-decision": reply}
        ).status_code
        == 302
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED
    public = visitor.get(reverse("grants:round", args=[round_.pk])).content.decode()
    assert reply in public and "13800001111" not in public and "李**" in public
    assert act("decide").status_code == 302


def _agreement_to_completion_on_screen(
    client: Client, world: GrantsWorld, round_: Round, app: Application
) -> None:
    """Sign, mid-term and final review, the firm's audit, the return of money, the round completed."""

    act = partial(_act, client, round_)

    # when the agreement is signed, reviewed mid-term and at the end
    decided = client.get(reverse("grants:round", args=[round_.pk]))
    assert [a["name"] for a in decided.context["actions"]] == ["sign", "audit_firm", "complete"]
    assert act("sign", {"application": str(app.pk), "signed_on": "2023-06-20"}).status_code == 302
    agreement = Agreement.objects.get(application=app)

    on_agreement = partial(_on_agreement, client, agreement)

    midterm = {"passed": "1", "findings": "进度符合协议", "reviewed_on": "2023-12-20"}
    assert on_agreement("midterm", midterm).status_code == 302
    over = on_agreement("final_review", {"score": "120", "note": "", "reviewed_on": "2024-07-10"})
    assert over.status_code == 200 and _bound(over, "final_review").errors["score"]
    review = {"score": "91.5", "note": "成效显著", "reviewed_on": "2024-07-10"}
    assert on_agreement("final_review", review).status_code == 302
    # and the firm's final audit leaves 10,000 to return, which finance records
    services.final_audit_record(
        actor=world.firm_user,
        agreement=agreement,
        opinion="unqualified",
        verified_spent="70000.00",
        findings=["结余资金10000元应退回"],
        completed_on=date(2024, 8, 1),
    )
    client.force_login(world.finance)
    refund = {"amount": "10000.00", "returned_on": "2024-08-20", "document": "缴2024-009"}
    assert (
        on_agreement("fund_return", {**refund, "amount": "20000.00"})
        .context["actions"][0]["form"]
        .errors["amount"]
    )
    assert on_agreement("fund_return", refund).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CLOSED
    client.force_login(world.funder)
    assert act("complete").status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.COMPLETED


def test_a_round_from_new_programme_to_completion_through_the_screens(
    world: GrantsWorld,
    make_org: Callable[..., Any],
    panel_experts: list[Any],
    clock: dict[str, date],
    client: Client,
) -> None:
    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    # given a new programme and a draft round saved on the funder's screens
    round_ = _programme_and_round_on_screen(client, world)
    # when the call runs, one organization applies and the round is reviewed, ranked and on notice
    app = _call_to_notice_on_screen(client, world, round_, make_org, clock)
    # and a visitor's objection is decided before the funding decision
    _objection_and_decision_on_screen(client, round_, app, clock)
    # and the agreement runs to its end and the round completes
    _agreement_to_completion_on_screen(client, world, round_, app)

    # then the audit timeline tells the whole story in order
    assert _actions(start) == SCREENS_TIMELINE
    filed_event = AuditEvent.objects.get(action="grant_objection.filed", seq__gt=start)
    assert filed_event.actor_id is None and "13800001111" not in str(filed_event.new_values)


def test_only_the_funder_acts_and_others_see_no_controls(
    world: GrantsWorld,
    make_round: Callable[..., Any],
    make_user: Callable[..., Any],
    client: Client,
) -> None:
    round_ = make_round(publish=False)
    url = reverse("grants:round_action", args=[round_.pk, "publish"])
    # anonymous visitors are sent to sign in
    assert client.post(url).status_code == 302 and Round.objects.get(pk=round_.pk).status == RoundStatus.DRAFT
    # another unit's purchaser and an auditor are refused, and nothing changes
    for user in (make_user("purchaser", unit="cs_civil"), world.auditor):
        client.force_login(user)
        assert client.post(url).status_code in (403, 404)
        assert client.get(reverse("grants:programme_new")).status_code == (
            200 if user.role == "purchaser" else 403
        )
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.DRAFT
    # the auditor reads the round page but sees no funder controls
    page = client.get(reverse("grants:round", args=[round_.pk]))
    assert page.status_code == 200 and page.context["actions"] == []
    # an unknown action is not found
    client.force_login(world.funder)
    assert client.post(reverse("grants:round_action", args=[round_.pk, "explode"])).status_code == 404
    assert [a["name"] for a in client.get(reverse("grants:round", args=[round_.pk])).context["actions"]] == [
        "publish",
        "audit_firm",
        "cancel",
    ]
    cancel = client.post(reverse("grants:round_action", args=[round_.pk, "cancel"]), {"reason": ""})
    assert cancel.status_code == 200 and _bound(cancel, "cancel").errors["reason"]
    assert (
        client.post(
            reverse("grants:round_action", args=[round_.pk, "cancel"]), {"reason": "预算调整"}
        ).status_code
        == 302
    )
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.CANCELLED


def _on_notice(
    world: GrantsWorld, make_round: Callable[..., Any], make_org: Callable[..., Any]
) -> tuple[Any, Any, Any, Any]:
    """A round whose single proposed project is on notice (from GRANT_NOTICE_ON), its applicant, and a
    2A organization's application screened out of it."""
    round_ = make_round()
    _org, member = make_org()
    app = services.application_save(actor=member, round=round_, **grant_application_values())
    app = services.application_submit(actor=member, application=app, today=GRANT_SUBMIT_ON)
    _low, low_member = make_org(rating=2)
    low = services.application_save(actor=low_member, round=round_, **grant_application_values())
    low = services.application_submit(actor=low_member, application=low, today=GRANT_SUBMIT_ON)
    services.round_review_start(actor=world.funder, round=round_, today=GRANT_REVIEW_ON)
    round_ = services.panel_draw(actor=world.funder, round=round_, needed=3)
    assert round_.draw is not None
    for m in round_.draw.members.select_related("expert__user"):
        assert m.expert.user is not None
        draw_member_respond(actor=m.expert.user, member=m, accept=True, no_conflict_confirmed=True)
        assert m.expert.user is not None
        services.score_submit(
            actor=m.expert.user, application=app, scores={"need": "28", "design": "36", "capacity": "28"}
        )
    services.round_rank(actor=world.funder, round=round_)
    services.notice_publish(actor=world.funder, round=round_, today=GRANT_NOTICE_ON)
    app.refresh_from_db()
    return round_, app, member, low


def test_public_objections_are_rate_limited(
    world: GrantsWorld,
    make_round: Callable[..., Any],
    make_org: Callable[..., Any],
    panel_experts: list[Any],
    clock: dict[str, date],
    client: Client,
) -> None:
    round_, app, _member, _low = _on_notice(world, make_round, make_org)
    clock["today"] = GRANT_NOTICE_ON
    url = reverse("grants:objection_post", args=[round_.pk])
    data = {
        "application": str(app.pk),
        "filer_name": "王芳",
        "filer_contact": "wf@example.com",
        "text": "异议",
    }
    limit, _window = services.OBJECTION_RATE
    for _ in range(limit):
        assert client.post(url, data).status_code == 302
    # when one more arrives from the same address within the hour, it is refused and not saved
    response = client.post(url, data)
    assert response.status_code == 429
    assert "提交过于频繁" in str(response.context["objection_form"].non_field_errors())
    assert Objection.objects.filter(round=round_).count() == limit
    # and the API shares the same count
    api = client.post(
        f"/api/v1/grants/rounds/{round_.pk}/objections",
        {"application_id": app.pk, "filer_name": "王芳", "filer_contact": "wf@example.com", "text": "异议"},
        content_type="application/json",
    )
    assert api.status_code == 429 and api.json()["error"]["code"] == "grants.rate_limited"


def test_after_the_notice_period_no_objection_form_is_offered(
    world: GrantsWorld,
    make_round: Callable[..., Any],
    make_org: Callable[..., Any],
    panel_experts: list[Any],
    clock: dict[str, date],
    client: Client,
) -> None:
    round_, app, _member, _low = _on_notice(world, make_round, make_org)
    clock["today"] = GRANT_DECIDE_ON
    assert client.get(reverse("grants:round", args=[round_.pk])).context["objection_form"] is None
    late = client.post(
        reverse("grants:objection_post", args=[round_.pk]),
        {"application": str(app.pk), "filer_name": "王芳", "filer_contact": "13900000000", "text": "异议"},
    )
    assert late.status_code == 200 and "不在公示期内" in str(
        late.context["objection_form"].non_field_errors()
    )
    assert not Objection.objects.exists()
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.PROPOSED
    assert Decimal(app.awarded_amount) == Decimal("100000.00")
