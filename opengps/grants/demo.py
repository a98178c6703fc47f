"""Grants demo: the 2023 provincial welfare-lottery round — 7,500,000.00 yuan to 70 organizations.

Built through the services with past dates (`today=`), so every step has its audit event: the
call, applications (some screened out, with the reasons the rules give on the submission day), a
3-member panel drawn from the expert database, independent scores, ranking within the fund limit,
public notice with one objection, the decision, agreements with 50/30/20 tranches, mid-term
reviews (three fail and stop payment), final reviews, the accounting firm's final audits with
findings, and returns of unspent money (one still outstanding; a few audits not yet done).
Which organizations apply is chosen by asking the same eligibility rule about the registry demo
data on the submission day. Loading twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from opengps.accounts.demo import DemoLogin, demo_account, demo_account_create, demo_unit
from opengps.accounts.models import Role, Unit, User
from opengps.core import clock
from opengps.experts.services import draw_member_respond, expert_update
from opengps.grants import services
from opengps.grants.models import Agreement, Application, Programme, Round, RoundStatus
from opengps.planning.models import BudgetLine
from opengps.planning.services import budget_line_approve, budget_line_create, budget_line_submit
from opengps.registry import derived
from opengps.registry.models import Organization
from opengps.rules import grants as rules

SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE = "2023年度省级福彩公益金支持社会组织参与社会服务项目"
PROGRAMME = "省级福彩公益金支持社会组织参与社会服务项目"
FIRM = "湖南天衡会计师事务所有限责任公司"
TOTAL = Decimal("7500000.00")
FUNDED = 70
NOT_SELECTED = 6
SCREENED_OUT = 8
SUBMIT_ON = date(2023, 4, 12)
CRITERIA = [
    {"code": "need", "name": "需求分析与服务对象", "weight": 30},
    {"code": "design", "name": "项目设计与可行性", "weight": 40},
    {"code": "capacity", "name": "执行能力与预算合理性", "weight": 30},
]
AREAS = ["elderly", "disabled", "orphans", "poverty"]
TITLES = {
    "elderly": ["农村留守老人关爱服务", "社区居家养老助餐服务", "失能老人家庭照护者支持"],
    "disabled": ["残疾儿童康复支持", "残疾人社区融合就业辅导", "精神障碍者社区康复服务"],
    "orphans": ["事实无人抚养儿童陪伴成长", "孤残儿童心理关爱", "困境儿童课业辅导"],
    "poverty": ["低收入家庭社会救助帮扶", "困难群众临时救助转介服务", "易返贫家庭能力提升"],
    "community": ["社区议事协商能力建设", "老旧小区邻里互助计划", "社区志愿服务积分激励"],
    "social_work": ["乡镇社工站专业督导", "困境家庭个案管理服务", "青少年社会工作服务"],
}
FINDINGS = [
    "资金使用基本规范，会计核算清晰",
    "项目活动与协议约定一致，服务记录完整",
    "个别支出审批手续不全，已要求整改",
    "受益对象满意度抽样调查达到90%以上",
]


def _area_text(label: str) -> str:
    """A purpose area as a phrase: "扶老服务", "社会工作服务" — never "社会工作服务服务"."""
    return label if label.endswith("服务") else f"{label}服务"


def _amounts() -> list[Decimal]:
    """70 awards summing to exactly 7,500,000.00: a cycle of 80,000 … 140,000, twenty cut by 10,000."""
    base = [Decimal(80000 + 10000 * (i % 7)) for i in range(FUNDED)]
    for i in range(0, 40, 2):
        base[i] -= 10000
    assert sum(base) == TOTAL
    return [a.quantize(Decimal("0.01")) for a in base]


def _setup(context: Any) -> tuple[User, User, Unit, User, BudgetLine]:
    funder, finance = context.users["purchaser"], context.users["finance"]
    civil = context.units["hn_civil"]
    firm = demo_unit(name=FIRM, kind=Unit.Kind.EVALUATOR, region="430100", parent=None, serial=201)
    cpa = demo_account("cpa", Role.EVALUATOR, "唐敏（会计师事务所·结项审计）", unit=firm)
    context.extra_logins.append(DemoLogin("cpa", str(Role(Role.EVALUATOR).label), FIRM))
    line = BudgetLine.objects.filter(unit=civil, fiscal_year=2023, code="2080299-FC2023").first()
    if line is None:
        line = budget_line_create(
            actor=funder,
            unit=civil,
            fiscal_year=2023,
            code="2080299-FC2023",
            name="省级福彩公益金支持社会组织参与社会服务",
            fund_source="welfare_lottery",
            amount=TOTAL,
        )
        budget_line_submit(actor=funder, line=line)
        line = budget_line_approve(actor=finance, line=line, note="2023年省级福彩公益金")
    return funder, finance, firm, cpa, line


def _candidates(line: BudgetLine) -> tuple[list[Organization], list[Organization]] | None:
    """Eligible and ineligible organizations on the submission day, as the screening will decide
    (the round's conditions: Hunan, registered 2 years, no listing); None when too few."""
    conditions = rules.RoundConditions(min_years_registered=2, regions=("430000",))
    eligible: list[Organization] = []
    refused: list[Organization] = []
    orgs = Organization.objects.prefetch_related(*derived.facts_prefetch()).order_by("uscc")
    for org in orgs:
        if org.founded_on > SUBMIT_ON:
            continue
        result = rules.applicant_eligibility(
            derived.organization_facts(org), org.region_id, conditions, SUBMIT_ON
        )
        (eligible if result.eligible else refused).append(org)
    if len(eligible) < FUNDED:
        return None
    return eligible[: FUNDED + NOT_SELECTED], refused[:SCREENED_OUT]


def _member(org: Organization) -> User:
    user = org.members.filter(role=Role.SUPPLIER).first()
    return user or demo_account_create(
        f"org{org.pk}", Role.SUPPLIER, f"{org.name}项目负责人", organization=org
    )


def _year_later(starts: date) -> date:
    """The day before the same date next year (a one-year project)."""
    try:
        return starts.replace(year=starts.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(starts.year + 1, 2, 28)


def _apply(
    org: Organization,
    round_: Round,
    amount: Decimal,
    n: int,
    *,
    on_date: date = SUBMIT_ON,
    submit: bool = True,
) -> Application:
    area = round_.purpose_areas[n % len(round_.purpose_areas)]
    member = _member(org)
    staff = (amount * Decimal("0.55")).quantize(Decimal("1000"))
    starts = round_.agreement_by + timedelta(days=1)
    app = services.application_save(
        actor=member,
        round=round_,
        title=f"{TITLES[area][n % 3]}（{org.region.name}）",
        purpose_area=area,
        beneficiary_region=org.region,
        starts_on=starts,
        ends_on=_year_later(starts),
        requested_amount=amount,
        budget_lines=[
            {"item": "专业服务人员经费", "amount": staff},
            {"item": "活动与物资经费", "amount": amount - staff - Decimal(5000)},
            {"item": "项目管理与评估", "amount": Decimal(5000)},
        ],
        indicators=[
            {"name": "直接服务对象人数", "target": f"≥{80 + n % 5 * 40}人"},
            {"name": "服务对象满意度", "target": "≥90%"},
        ],
        summary=f"由{org.name}实施，面向{org.region.full_name}的{_area_text(rules.PURPOSE_AREAS[area])}",
        today=on_date,
    )
    return services.application_submit(actor=member, application=app, today=on_date) if submit else app


def _panel(
    round_: Round, finance: User, drawn_at: datetime = datetime(2023, 5, 6, 9, 30, tzinfo=SHANGHAI)
) -> list[User]:
    round_ = services.panel_draw(actor=round_.created_by, round=round_, needed=3, drawn_at=drawn_at)
    assert round_.draw is not None
    users = []
    for member in round_.draw.members.select_related("expert__user").order_by("order"):
        expert = member.expert
        if expert.user is None:
            account = demo_account_create(f"expert{expert.pk}", Role.EXPERT, f"{expert.name}（评审专家）")
            expert = expert_update(actor=finance, expert=expert, user=account)
        assert expert.user is not None
        member.expert = expert
        draw_member_respond(actor=expert.user, member=member, accept=True, no_conflict_confirmed=True)
        users.append(expert.user)
    return users


def _scores(total: Decimal, k: int) -> dict[str, Decimal]:
    """Criterion scores adding up to about `total`, varied a little per expert (mean unchanged)."""
    half = Decimal("0.5")
    need = (total * Decimal("0.3") / half).quantize(Decimal(1)) * half
    capacity = need
    design = total - need - capacity + (k - 1) * half
    return {"need": need, "design": min(design, Decimal(40)), "capacity": capacity}


def load(context: Any) -> None:
    """Add the 2023 round (idempotent: an existing round of that title is kept as it is)."""
    with transaction.atomic():
        funder, finance, firm, cpa, line = _setup(context)
        existing = Round.objects.filter(title=TITLE).first()
        if existing is None:
            _build(funder, finance, firm, cpa, line)
        candidates = _candidates(line)
        if candidates is not None:
            _venture_rounds(funder, finance, firm, cpa, candidates[0])
            _development_fund(funder, finance, firm, candidates[0])
    if "budget_lines" in context.counts:  # the planning demo counted before our line was added
        context.counts["budget_lines"] = BudgetLine.objects.count()
    context.counts["grant_rounds"] = Round.objects.count()
    context.counts["grant_applications"] = Application.objects.count()
    context.counts["grant_agreements"] = Agreement.objects.count()


def _programme(funder: User, name: str, **fields: Any) -> Programme:
    """The funder's welfare-lottery programme `name`, created with `fields` the first time."""
    return Programme.objects.filter(funder_unit=funder.unit, name=name).first() or services.programme_create(
        actor=funder,
        funder_unit=funder.unit,  # type: ignore[arg-type]
        name=name,
        fund_source="welfare_lottery",
        **fields,
    )


def _build(funder: User, finance: User, firm: Unit, cpa: User, line: BudgetLine) -> None:
    programme = _programme(
        funder,
        PROGRAMME,
        description="参照中央财政支持社会组织参与社会服务项目做法，安排省本级福彩公益金支持社会组织开展扶老、助残、救孤、济困服务。",
    )
    candidates = _candidates(line)
    if candidates is None:
        return  # a small registry (tests load 5 organizations): not enough applicants for the story
    round_ = services.round_create(
        actor=funder,
        programme=programme,
        year=2023,
        title=TITLE,
        budget_line=line,
        total_amount=TOTAL,
        per_project_cap=Decimal("150000.00"),
        purpose_areas=AREAS,
        call_opens=date(2023, 4, 1),
        call_closes=date(2023, 4, 30),
        review_by=date(2023, 5, 31),
        agreement_by=date(2023, 6, 30),
        criteria=CRITERIA,
        min_years_registered=2,
        regions=["430000"],
        audit_firm=firm,
        call_text="申报主体为在湖南省各级民政部门登记、成立满2年的社会组织；未列入活动异常名录和严重违法失信名单。"
        "每个组织限报1个项目，单个项目资助不超过15万元。资金分三期拨付：签订协议后50%，中期评估合格后30%，"
        "结项审计后按审定支出拨付余款。",
    )
    round_ = services.round_publish(actor=funder, round=round_)
    eligible, refused = candidates
    amounts = _amounts()
    funded_apps = [_apply(org, round_, amounts[i], i) for i, org in enumerate(eligible[:FUNDED])]
    others = [_apply(org, round_, Decimal("90000.00"), FUNDED + i) for i, org in enumerate(eligible[FUNDED:])]
    for i, org in enumerate(refused):
        _apply(org, round_, Decimal("80000.00"), i)
    services.round_review_start(actor=funder, round=round_, today=date(2023, 5, 4))
    experts = _panel(round_, finance)
    targets = [Decimal(95) - Decimal("0.4") * i for i in range(len(funded_apps))]
    targets += [Decimal(66), Decimal(65), Decimal(64), Decimal(63), Decimal(55), Decimal(50)][: len(others)]
    scored = list(zip([*funded_apps, *others], targets, strict=True))
    for k, user in enumerate(experts):
        sheet = {app.pk: _scores(target, k) for app, target in scored}
        services.score_sheet_submit(actor=user, round=round_, sheet=sheet)
    for app in funded_apps[:5]:
        services.pitch_record(
            actor=funder,
            application=app,
            held_on=date(2023, 5, 16),
            location="湖南省民政厅三楼会议室",
            notes="项目路演答辩",
        )
    services.round_rank(actor=funder, round=round_)
    services.notice_publish(actor=funder, round=round_, today=date(2023, 5, 22))
    if others:
        objector = _member(others[0].organization)
        objection = services.objection_file(
            actor=objector,
            round=round_,
            text="我单位项目得分与前一名相差较小，请求复核评分",
            today=date(2023, 5, 24),
        )
        services.objection_decide(
            actor=funder,
            objection=objection,
            upheld=False,
            decision="经复核，评分计算无误，维持原排序",
            today=date(2023, 5, 26),
        )
    services.round_decide(actor=funder, round=round_, today=date(2023, 6, 1))
    _carry_out(funder, finance, cpa, funded_apps)


def _carry_out(funder: User, finance: User, cpa: User, apps: list[Application]) -> None:
    for i, app in enumerate(apps):
        app.refresh_from_db()
        signed = date(2023, 6, 12) + timedelta(days=i % 10)
        agreement = services.agreement_sign(actor=funder, application=app, signed_on=signed)
        failed = i in (61, 65, 68)
        services.midterm_review_record(
            actor=funder,
            agreement=agreement,
            passed=not failed,
            findings="服务人次不足计划的三成，资金执行率偏低，停止后续拨付"
            if failed
            else "进度与协议一致，同意拨付第二期",
            reviewed_on=date(2023, 12, 15) + timedelta(days=i % 7),
        )
        score = Decimal(56) if failed else Decimal(96) - Decimal("0.5") * i
        agreement = services.final_review_record(
            actor=funder,
            agreement=agreement,
            score=score,
            note="综合采购人、服务对象和第三方评价",
            reviewed_on=date(2024, 7, 5) + timedelta(days=i % 10),
        )
        if i >= 64 and not failed:
            continue  # 结项审计延期: still with the firm
        amount = agreement.amount
        if failed:
            spent, disallowed = (amount * Decimal("0.38")).quantize(Decimal("0.01")), Decimal("0.00")
        elif i in (10, 30):
            spent, disallowed = (amount * Decimal("0.75")).quantize(Decimal("0.01")), Decimal("0.00")
        elif i % 9 == 4:
            spent, disallowed = amount, Decimal("3000.00")
        else:
            spent, disallowed = amount - Decimal(1000 * (i % 4)), Decimal("0.00")
        findings = [FINDINGS[i % len(FINDINGS)]]
        if disallowed:
            findings.append(f"发现无有效票据支出 {disallowed} 元，应予退回")
        if failed:
            findings.append("项目中止，结余资金应全额退回")
        services.final_audit_record(
            actor=cpa,
            agreement=agreement,
            opinion="qualified" if disallowed or failed else "unqualified",
            verified_spent=spent,
            disallowed=disallowed,
            findings=findings,
            completed_on=date(2024, 8, 20) + timedelta(days=i % 10),
        )
        agreement.refresh_from_db()
        if agreement.return_due and i != 68:  # one return still outstanding
            services.fund_return_record(
                actor=finance,
                agreement=agreement,
                amount=agreement.return_due,
                returned_on=date(2024, 9, 20),
                document=f"湘财缴〔2024〕{100 + i}号",
            )


# ---------------------------------------------------------------------------------------------
# 公益创投: smaller rounds of a venture-philanthropy programme, one in each remaining stage, so
# every screen has something to show: completed (2022), on notice, in review, call open, draft,
# cancelled. Dates of the live ones follow the day the demo is loaded.

VENTURE = "湖南省社会组织公益创投"
VENTURE_AREAS = ["community", "social_work", "elderly"]
VENTURE_AMOUNT = Decimal("100000.00")
"""What each venture application asks for: the per-project cap."""


def _venture_line(funder: User, finance: User, year: int, amount: Decimal) -> BudgetLine:
    code = f"2080299-GYCT{year}"
    line = BudgetLine.objects.filter(unit=funder.unit, fiscal_year=year, code=code).first()
    if line is None:
        line = budget_line_create(
            actor=funder,
            unit=funder.unit,  # type: ignore[arg-type]
            fiscal_year=year,
            code=code,
            name="社会组织公益创投",
            fund_source="welfare_lottery",
            amount=amount,
        )
        budget_line_submit(actor=funder, line=line)
        line = budget_line_approve(actor=finance, line=line, note=f"{year}年公益创投")
    return line


def _venture_round(
    funder: User, programme: Programme, line: BudgetLine, title: str, opens: date, firm: Unit, **extra: Any
) -> Round:
    values: dict[str, Any] = {
        "year": opens.year,
        "total_amount": Decimal("400000.00"),
        "per_project_cap": Decimal("100000.00"),
        "purpose_areas": VENTURE_AREAS,
        "call_opens": opens,
        "call_closes": opens + timedelta(days=20),
        "review_by": opens + timedelta(days=50),
        "agreement_by": opens + timedelta(days=80),
        "criteria": CRITERIA,
        "tranche_shares": [60, 40],
        "min_years_registered": 1,
        "regions": ["430000"],
        "audit_firm": firm,
        "call_text": "公益创投面向成立满1年的社会组织，单个项目资助不超过10万元。"
        "分两期拨付：签订协议后60%，结项审计后按审定支出拨付余款。",
    }
    values.update(extra)
    return services.round_create(actor=funder, programme=programme, title=title, budget_line=line, **values)


@dataclass(frozen=True)
class _Venture:
    """What the venture rounds of one budget line are built from."""

    funder: User
    finance: User
    firm: Unit
    programme: Programme
    line: BudgetLine
    orgs: list[Organization]
    today: date


def _venture_reviewing(
    v: _Venture,
    title: str,
    opens: date,
    orgs: list[Organization],
    *,
    applied_on: date,
    review_on: date,
    **extra: Any,
) -> tuple[Round, list[Application]]:
    """A venture round drafted, published, applied to by each of `orgs` on `applied_on` and taken to
    review on `review_on`: the round and the applications."""
    round_ = _venture_round(v.funder, v.programme, v.line, title, opens, v.firm, **extra)
    round_ = services.round_publish(actor=v.funder, round=round_)
    apps = [_apply(org, round_, VENTURE_AMOUNT, i, on_date=applied_on) for i, org in enumerate(orgs)]
    services.round_review_start(actor=v.funder, round=round_, today=review_on)
    return round_, apps


def _score_and_rank(round_: Round, finance: User, apps: list[Application], drawn_at: datetime) -> None:
    apps = [app for app in apps if app.status == "eligible"]  # screening on the day decides
    experts = _panel(round_, finance, drawn_at)
    targets = [Decimal(90) - Decimal(6) * i for i in range(len(apps))]
    for k, user in enumerate(experts):
        sheet = {app.pk: _scores(target, k) for app, target in zip(apps, targets, strict=True)}
        services.score_sheet_submit(actor=user, round=round_, sheet=sheet)
    services.round_rank(actor=round_.created_by, round=round_)


def _venture_programme(funder: User) -> Programme:
    return Programme.objects.filter(funder_unit=funder.unit, name=VENTURE).first() or (
        services.programme_create(
            actor=funder,
            funder_unit=funder.unit,  # type: ignore[arg-type]
            name=VENTURE,
            fund_source="welfare_lottery",
            is_venture_philanthropy=True,
            description="依托省市两级社会组织孵化基地开展公益创投，支持初创期社会组织实施社区服务项目。",
        )
    )


def _venture_completed(
    funder: User, finance: User, firm: Unit, cpa: User, programme: Programme, orgs: list[Organization]
) -> None:
    """已完成: the 2022 round, every agreement closed."""
    title = "2022年度湖南省社会组织公益创投"
    if Round.objects.filter(title=title).exists():
        return
    line = _venture_line(funder, finance, 2022, Decimal("400000.00"))
    v = _Venture(funder, finance, firm, programme, line, orgs, clock.today())
    round_, apps = _venture_reviewing(
        v, title, date(2022, 4, 1), orgs[:3], applied_on=date(2022, 4, 10), review_on=date(2022, 4, 25)
    )
    _score_and_rank(round_, finance, apps, datetime(2022, 4, 28, 9, 30, tzinfo=SHANGHAI))
    services.notice_publish(actor=funder, round=round_, today=date(2022, 5, 10))
    services.round_decide(actor=funder, round=round_, today=date(2022, 5, 20))
    for i, app in enumerate(Application.objects.filter(round=round_, status="funded").order_by("rank")):
        agreement = services.agreement_sign(actor=funder, application=app, signed_on=date(2022, 6, 1))
        agreement = services.final_review_record(
            actor=funder,
            agreement=agreement,
            score=Decimal(92) - 6 * i,
            note="孵化基地与服务对象评价",
            reviewed_on=date(2023, 6, 10),
        )
        services.final_audit_record(
            actor=cpa,
            agreement=agreement,
            opinion="unqualified",
            verified_spent=agreement.amount,
            findings=[FINDINGS[i % len(FINDINGS)]],
            completed_on=date(2023, 7, 1),
        )
    services.round_complete(actor=funder, round=round_)


def _venture_live(
    v: _Venture, batch: str, days_open: int, orgs: list[Organization], **extra: Any
) -> tuple[Round, list[Application]] | None:
    """This year's venture `batch`, its call opened `days_open` days ago, applied to on the fifth day
    and in review from the 21st: the round and the applications; None when it exists already."""
    title = f"{v.today.year}年度湖南省社会组织公益创投（{batch}）"
    if Round.objects.filter(title=title).exists():
        return None
    opens = v.today - timedelta(days=days_open)
    applied_on, review_on = opens + timedelta(days=5), opens + timedelta(days=21)
    return _venture_reviewing(v, title, opens, orgs, applied_on=applied_on, review_on=review_on, **extra)


def _venture_on_notice(v: _Venture, round_: Round, apps: list[Application]) -> None:
    """公示中: the first batch of this year, its objection period running, one objection filed."""
    _score_and_rank(round_, v.finance, apps, clock.now() - timedelta(days=20))
    services.notice_publish(actor=v.funder, round=round_, today=v.today - timedelta(days=1))
    services.objection_file(
        actor=None,
        round=round_,
        application=Application.objects.filter(round=round_, status="proposed").order_by("rank").first(),
        filer_name="张先生",
        filer_contact="0731-84000000",
        text="该项目的服务社区与另一已资助项目重叠，请核查是否重复资助。",
        today=v.today,
    )


def _venture_in_review(v: _Venture, round_: Round, apps: list[Application]) -> None:
    """评审中: the second batch, its panel drawn and scoring under way."""
    experts = _panel(round_, v.finance, clock.now() - timedelta(days=5))
    services.score_sheet_submit(
        actor=experts[0],
        round=round_,
        sheet={app.pk: _scores(Decimal(85), 0) for app in apps if app.status == "eligible"},
    )


def _venture_rounds(funder: User, finance: User, firm: Unit, cpa: User, orgs: list[Organization]) -> None:
    """One venture-philanthropy round in each stage (idempotent: a round of the same title is kept)."""
    if len(orgs) < 12:
        return
    programme = _venture_programme(funder)
    today = clock.today()
    year = today.year
    _venture_completed(funder, finance, firm, cpa, programme, orgs)
    line = _venture_line(funder, finance, year, Decimal("2000000.00"))
    v = _Venture(funder, finance, firm, programme, line, orgs, today)
    live: list[tuple[str, int, list[Organization], dict[str, Any], Callable[..., None]]] = [
        ("第一批", 50, orgs[3:8], {"review_by": today + timedelta(days=5)}, _venture_on_notice),
        ("第二批", 35, orgs[8:11], {}, _venture_in_review),
    ]
    for batch, days_open, applicants, extra, carry_on in live:
        started = _venture_live(v, batch, days_open, applicants, **extra)
        if started is not None:
            carry_on(v, *started)

    title = f"{year}年度湖南省社会组织公益创投（第三批）"
    if not Round.objects.filter(title=title).exists():  # 申报中: the call is open
        opens = today - timedelta(days=5)
        round_ = _venture_round(funder, programme, line, title, opens, firm)
        round_ = services.round_publish(actor=funder, round=round_)
        _apply(orgs[11], round_, VENTURE_AMOUNT, 0, on_date=today)
        _apply(orgs[0], round_, VENTURE_AMOUNT, 1, on_date=today, submit=False)

    title = f"{year + 1}年度湖南省社会组织公益创投（草稿）"
    if not Round.objects.filter(title=title).exists():  # 草稿: being prepared
        _venture_round(funder, programme, line, title, today + timedelta(days=30), firm)

    title = f"{year}年度社区微创投（已取消）"
    if not Round.objects.filter(title=title).exists():  # 已取消: withdrawn before review
        round_ = _venture_round(
            funder,
            programme,
            line,
            title,
            today + timedelta(days=10),
            firm,
            total_amount=Decimal("200000.00"),
        )
        services.round_cancel(actor=funder, round=round_, reason="与省级公益创投合并实施")


# ---------------------------------------------------------------------------------------------
# 社会组织发展基金: public money and donations together, rounds requiring 30 % co-funding (issue 25)

FUND = "湖南省社会组织发展基金"
FUND_ROUND = "2023年度社会组织发展基金配套资助项目"
FUND_DONATIONS: list[dict[str, Any]] = [
    {
        "source": "enterprise",
        "donor": "湖南湘江实业集团有限公司",
        "amount": "500000",
        "receipt_number": "湘财捐 2023-000101",
        "restricted_purpose": "社区养老服务项目",
        "received_on": date(2023, 3, 15),
    },
    {
        "source": "foundation",
        "donor": "湖南省青少年发展基金会",
        "amount": "200000",
        "receipt_number": "湘财捐 2023-000102",
        "restricted_purpose": "困境儿童服务项目",
        "received_on": date(2023, 4, 2),
    },
    {
        "source": "individual",
        "donor": "社会公众（“99公益日”网络募捐）",
        "amount": "120000",
        "channel": "public",
        "charity": "湖南省慈善总会",
        "charity_public_qualified": True,
        "receipt_number": "湘财捐 2023-000188",
        "received_on": date(2023, 9, 12),
    },
]
"""Donations into the fund (the public appeal through a charity holding the qualification)."""


def _fund_commit(app: Application, member: User, k: int, *, short: bool = False) -> None:
    """Commitments of one applicant: own cash, an enterprise's cash and volunteer hours (400 h × 25
    = 10,000); `short` commits only 20,000 (below 30 % of 100,000: refused at submission)."""
    services.cofunding_commitment_add(
        actor=member, application=app, source="own", form="cash", funder_name="本机构", value="15000"
    )
    if short:
        services.cofunding_commitment_add(
            actor=member, application=app, source="own", form="cash", funder_name="理事捐赠", value="5000"
        )
        return
    services.cofunding_commitment_add(
        actor=member,
        application=app,
        source="enterprise",
        form="cash",
        funder_name=["长沙银行股份有限公司", "湖南中联物业服务有限公司", "步步高商业连锁股份有限公司"][k % 3],
        value="10000",
    )
    services.cofunding_commitment_add(
        actor=member,
        application=app,
        source="own",
        form="in_kind",
        in_kind_kind="volunteer_hours",
        funder_name="本机构志愿者服务队",
        hours="400",
    )


def _fund_receipts(agreement: Agreement, member: User, *, short: bool) -> None:
    """Receipts reported with the first tranche; a `short` project reports only its own cash."""
    tranche = agreement.tranches.get(seq=1)
    on = agreement.signed_on + timedelta(days=20)
    services.cofunding_receipt_record(
        actor=member,
        agreement=agreement,
        tranche=tranche,
        source="own",
        form="cash",
        donor="本机构",
        value="15000",
        receipt_number=f"记账凭证 {agreement.number}-1",
        received_on=on,
    )
    if short:
        return
    commitments = {c.source + c.form: c for c in agreement.application.commitments.all()}
    enterprise = commitments["enterprisecash"]
    services.cofunding_receipt_record(
        actor=member,
        agreement=agreement,
        tranche=tranche,
        commitment=enterprise,
        source="enterprise",
        form="cash",
        donor=enterprise.funder_name,
        value="10000",
        restricted_purpose="项目活动经费",
        receipt_number=f"捐赠票据 {agreement.number}-2",
        received_on=on,
    )
    services.cofunding_receipt_record(
        actor=member,
        agreement=agreement,
        tranche=tranche,
        source="own",
        form="in_kind",
        in_kind_kind="volunteer_hours",
        donor="本机构志愿者服务队",
        hours="400",
        receipt_number=f"志愿服务记录 {agreement.number}",
        received_on=on + timedelta(days=60),
    )


def _development_fund(funder: User, finance: User, firm: Unit, orgs: list[Organization]) -> None:
    """A development fund with its donations and one decided round: three projects with co-funding
    receipts (one short of its commitment, flagged at the final review), one applicant refused for
    committing less than 30 % (its draft kept). Idempotent: an existing round is kept."""
    if len(orgs) < 16 or Round.objects.filter(title=FUND_ROUND).exists():
        return
    programme = _programme(
        funder,
        FUND,
        is_venture_philanthropy=True,
        is_development_fund=True,
        volunteer_hour_rate="25",
        description="由省级福彩公益金与企业、基金会和社会公众的捐赠共同设立，以公益创投方式撬动社会资金支持社会组织发展。",
    )
    if not programme.donations.exists():
        for gift in FUND_DONATIONS:
            services.fund_donation_record(actor=funder, programme=programme, **gift)
    line = _venture_line(funder, finance, 2023, Decimal("400000.00"))
    round_ = _venture_round(
        funder,
        programme,
        line,
        FUND_ROUND,
        date(2023, 7, 3),
        firm,
        total_amount=Decimal("300000.00"),
        cofunding_min_share=Decimal(30),
        call_text="配套资金不低于申请资助金额的30%，可来自本机构、企业、基金会或经慈善组织的个人捐赠；"
        "志愿服务按每小时25元折算；其他财政性资金不计入配套资金。",
    )
    round_ = services.round_publish(actor=funder, round=round_)
    applied_on = date(2023, 7, 10)
    apps = []
    for k, org in enumerate(orgs[12:16]):
        app = _apply(org, round_, VENTURE_AMOUNT, k, on_date=applied_on, submit=False)
        member = _member(org)
        _fund_commit(app, member, k, short=k == 3)
        if any(r.severity == "block" for r in services.commitment_problems(app)):
            continue  # below the 30 % requirement: submission is refused with the rule; a draft kept
        apps.append(services.application_submit(actor=member, application=app, today=applied_on))
    services.round_review_start(actor=funder, round=round_, today=date(2023, 7, 25))
    _score_and_rank(round_, finance, apps, datetime(2023, 7, 28, 9, 30, tzinfo=SHANGHAI))
    services.notice_publish(actor=funder, round=round_, today=date(2023, 8, 10))
    services.round_decide(actor=funder, round=round_, today=date(2023, 8, 21))
    funded = Application.objects.filter(round=round_, status="funded").order_by("rank")
    for i, app in enumerate(funded):
        agreement = services.agreement_sign(actor=funder, application=app, signed_on=date(2023, 8, 25))
        member = _member(app.organization)
        short = i == len(funded) - 1
        _fund_receipts(agreement, member, short=short)
        if i < 2 or short:
            services.final_review_record(
                actor=funder,
                agreement=agreement,
                score=Decimal(88) - 2 * i,
                note="服务目标达成，社会资金撬动情况已核实",
                reviewed_on=date(2024, 9, 20),
            )


STAGES = frozenset(RoundStatus.values)
"""The demo holds a round in every stage."""
