"""Reads of the grants cycle shaped for screens and the API: who may see what, scores kept
independent until the panel is done, the yearly fund-use report and the 360Giving export."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.urls import reverse

from opengps.accounts import scopes
from opengps.accounts.actors import Viewer
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role, is_authenticated
from opengps.core import clock
from opengps.core.errors import NotFound, PermissionDenied
from opengps.grants.errors import Code
from opengps.grants.models import (
    Agreement,
    Application,
    ApplicationStatus,
    CofundingCommitment,
    CofundingForm,
    CofundingReceipt,
    CofundingSource,
    FundDonation,
    FundReturn,
    Objection,
    Programme,
    ReviewScore,
    Round,
    RoundStatus,
    Tranche,
)
from opengps.grants.services import is_funder, objection_deadline, panel_members
from opengps.grants.services.cofunding import contributions as cofunding_contributions
from opengps.rules import cofunding as cofunding_rules

__all__ = ["objection_deadline", "panel_members"]

OVERSIGHT_ROLES = (Role.FINANCE, Role.REGISTRATION, Role.AUDITOR, Role.ADMIN)
"""Read rounds' records: finance and the registration authority those of their region's funders,
auditors (read-only) and admins every round (`opengps.accounts.scopes`)."""
PUBLIC_STATUSES = (
    RoundStatus.PUBLISHED,
    RoundStatus.REVIEWING,
    RoundStatus.NOTICE,
    RoundStatus.DECIDED,
    RoundStatus.COMPLETED,
)
LISTED_STATUSES = (ApplicationStatus.PROPOSED, ApplicationStatus.FUNDED)


def can_read_round_private(actor: Viewer, round_: Round) -> bool:
    """Applications, scores and agreements of a round: the funder's staff, oversight roles, and
    the appointed audit firm."""
    if not is_authenticated(actor):
        return False
    if is_funder(actor, round_):
        return True
    if actor.role in OVERSIGHT_ROLES:
        return scopes.supervises(actor, round_.programme.funder_unit)
    return (
        has_role(actor, Role.EVALUATOR)
        and round_.audit_firm_id is not None
        and actor.unit_id == round_.audit_firm_id
    )


def public_rounds() -> QuerySet[Round]:
    return Round.objects.filter(status__in=PUBLIC_STATUSES).select_related(
        "programme__funder_unit", "budget_line"
    )


def round_list(*, actor: Viewer) -> list[Round]:
    """Public rounds, plus the drafts of the actor's own unit (and all for oversight roles)."""
    qs = Round.objects.select_related("programme__funder_unit", "budget_line")
    visible = Q(status__in=PUBLIC_STATUSES)
    if scopes.reads_everything(actor):
        visible = Q()  # (Q() | anything is not "everything": an empty Q drops out of an OR)
    elif is_authenticated(actor) and actor.role in OVERSIGHT_ROLES:
        visible |= scopes.units_q(actor, "programme__funder_unit")
    elif has_role(actor, Role.PURCHASER):
        visible |= Q(programme__funder_unit_id=actor.unit_id)
    return list(qs.filter(visible).order_by("-year", "pk"))


def round_get(*, actor: Viewer, round_id: int) -> Round:
    round_ = (
        Round.objects.select_related("programme__funder_unit", "budget_line", "audit_firm", "draw")
        .filter(pk=round_id)
        .first()
    )
    if round_ is None or (round_.status not in PUBLIC_STATUSES and not can_read_round_private(actor, round_)):
        raise NotFound(Code.GRANTS_ROUND_NOT_FOUND)
    return round_


def notice_list(round_: Round) -> list[Application]:
    """The public list: proposed (during notice) or funded projects, in rank order."""
    if round_.status not in (RoundStatus.NOTICE, RoundStatus.DECIDED, RoundStatus.COMPLETED):
        return []
    return list(
        round_.applications.filter(status__in=LISTED_STATUSES)
        .select_related("organization", "beneficiary_region")
        .order_by("rank")
    )


def application_list(*, actor: Viewer, round_: Round) -> list[Application]:
    """Every application of a round for private readers; an applicant's own; a panel expert's
    applications under review; nothing for anyone else."""
    qs = round_.applications.select_related("organization", "beneficiary_region").order_by("rank", "pk")
    if can_read_round_private(actor, round_):
        return list(qs.exclude(status=ApplicationStatus.DRAFT))
    if has_role(actor, Role.SUPPLIER) and actor.organization_id is not None:
        return list(qs.filter(organization_id=actor.organization_id))
    if has_role(actor, Role.EXPERT) and any(m.expert.user_id == actor.pk for m in panel_members(round_)):
        return list(qs.filter(status=ApplicationStatus.ELIGIBLE))
    return []


def my_applications(*, actor: Viewer) -> list[Application]:
    if not has_role(actor, Role.SUPPLIER) or actor.organization_id is None:
        return []
    return list(
        Application.objects.filter(organization_id=actor.organization_id)
        .select_related("round__programme")
        .order_by("-created_at")
    )


def application_get(*, actor: Viewer, application_id: int) -> Application:
    app = (
        Application.objects.select_related(
            "round__programme__funder_unit", "organization", "beneficiary_region"
        )
        .prefetch_related("attachments", "pitches")
        .filter(pk=application_id)
        .first()
    )
    if app is None:
        raise NotFound(Code.GRANTS_APPLICATION_NOT_FOUND)
    own = has_role(actor, Role.SUPPLIER) and actor.organization_id == app.organization_id
    private = can_read_round_private(actor, app.round) and app.status != ApplicationStatus.DRAFT
    panel = (
        has_role(actor, Role.EXPERT)
        and app.status == ApplicationStatus.ELIGIBLE
        and any(m.expert.user_id == actor.pk for m in panel_members(app.round))
    )
    if not (own or private or panel):
        if not is_authenticated(actor):
            raise PermissionDenied(Code.AUTH_REQUIRED)
        raise NotFound(Code.GRANTS_APPLICATION_NOT_FOUND)
    return app


@dataclass
class ScoreView:
    """What the actor may see of an application's scores."""

    expected: int
    submitted: int
    complete: bool
    scores: list[ReviewScore] = field(default_factory=list)
    own: ReviewScore | None = None


def application_scores(*, actor: Viewer, application: Application) -> ScoreView:
    """Independent scoring: nobody sees another member's scores until every member has scored.

    A panel expert always sees their own; funder staff and oversight roles see how many have
    scored, and the scores once complete. Applicants see none (only the combined score later).
    """
    members = panel_members(application.round)
    member_ids = {m.pk for m in members}
    scores = list(
        ReviewScore.objects.filter(application=application, member_id__in=member_ids)
        .select_related("member__expert")
        .order_by("member__order")
    )
    complete = bool(members) and len(scores) == len(members)
    own = next((s for s in scores if s.member.expert.user_id == getattr(actor, "pk", None)), None)
    view = ScoreView(expected=len(members), submitted=len(scores), complete=complete, own=own)
    on_panel = has_role(actor, Role.EXPERT) and any(m.expert.user_id == actor.pk for m in members)
    if complete and (on_panel or can_read_round_private(actor, application.round)):
        view.scores = scores
    return view


def agreements_of(*, actor: Viewer, round_: Round) -> list[Agreement]:
    qs = (
        Agreement.objects.filter(application__round=round_)
        .select_related("application__organization", "final_audit")
        .prefetch_related(Prefetch("tranches", queryset=Tranche.objects.order_by("seq")), "returns")
        .order_by("number")
    )
    if can_read_round_private(actor, round_):
        return list(qs)
    if has_role(actor, Role.SUPPLIER) and actor.organization_id is not None:
        return list(qs.filter(application__organization_id=actor.organization_id))
    return []


def agreement_get(*, actor: Viewer, agreement_id: int) -> Agreement:
    agreement = (
        Agreement.objects.select_related(
            "application__round__programme__funder_unit", "application__organization", "final_audit"
        )
        .prefetch_related(Prefetch("tranches", queryset=Tranche.objects.order_by("seq")), "returns")
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None or not _reads_project(actor, agreement.application):
        raise NotFound(Code.GRANTS_AGREEMENT_NOT_FOUND)
    return agreement


def _reads_project(actor: Viewer, application: Application) -> bool:
    """Whether `actor` reads the records of `application`'s project (its agreement, commitments):
    its organization's members, and the readers of its round's private records."""
    own = has_role(actor, Role.SUPPLIER) and actor.organization_id == application.organization_id
    return own or can_read_round_private(actor, application.round)


def round_summary(round_: Round) -> dict[str, Any]:
    """Counts and money of a round for its page."""
    statuses = Counter(round_.applications.values_list("status", flat=True))
    awarded = round_.applications.filter(status__in=LISTED_STATUSES).aggregate(s=Sum("awarded_amount"))["s"]
    return {
        "statuses": dict(statuses),
        "submitted": sum(n for s, n in statuses.items() if s != ApplicationStatus.DRAFT),
        "screened_out": statuses.get(ApplicationStatus.SCREENED_OUT, 0),
        "listed": sum(statuses.get(s, 0) for s in LISTED_STATUSES),
        "awarded": awarded or Decimal("0.00"),
        "objection_deadline": objection_deadline(round_),
    }


def objections_public(round_: Round) -> list[Objection]:
    """Objections to a public round's notice with their decisions: public once filed, without the
    filer's contact (templates show only the masked name)."""
    if round_.status not in PUBLIC_STATUSES:
        return []
    return list(round_.objections.select_related("application__organization").order_by("filed_on", "pk"))


def objections_pending(round_: Round) -> list[Objection]:
    return list(
        round_.objections.filter(status="pending")
        .select_related("application__organization")
        .order_by("filed_on", "pk")
    )


def applications_in(round_: Round, *statuses: str) -> list[Application]:
    return list(
        round_.applications.filter(status__in=statuses).select_related("organization").order_by("rank", "pk")
    )


def funded_unsigned(round_: Round) -> list[Application]:
    """Funded applications of a decided round still waiting for their agreement."""
    return list(
        round_.applications.filter(status=ApplicationStatus.FUNDED, agreement__isnull=True)
        .select_related("organization")
        .order_by("rank", "pk")
    )


def my_programmes(*, actor: Viewer) -> list[Programme]:
    """The programmes of the actor's unit (funder staff only)."""
    if not has_role(actor, Role.PURCHASER) or actor.unit_id is None:
        return []
    return list(Programme.objects.filter(funder_unit_id=actor.unit_id).order_by("name"))


def objection_get(*, actor: Viewer, objection_id: int) -> Objection:
    """An objection the actor's unit funds (to decide it)."""
    item = Objection.objects.select_related("round__programme").filter(pk=objection_id).first()
    if item is None or not can_read_round_private(actor, item.round):
        raise NotFound(Code.GRANTS_OBJECTION_NOT_FOUND)
    return item


# ---------------------------------------------------------------------------------------------
# Yearly fund-use report and open data


@dataclass
class FundUseRow:
    round: Round
    total: Decimal
    awarded: Decimal
    paid: Decimal
    returned: Decimal
    projects: int
    by_purpose: dict[str, tuple[int, Decimal]]
    grades: dict[str, int]
    leverage: LeverageRow | None = None
    """Co-funding received and the leverage ratio (配套资金与撬动比); None before any agreement."""
    shortfalls: int = 0
    """Projects flagged at the final review for co-funding short of the commitment."""

    @property
    def net(self) -> Decimal:
        return self.paid - self.returned


def fund_use_report(year: int) -> list[FundUseRow]:
    """公益金使用情况 for `year`: per public round, money set, awarded, paid, returned, by
    purpose area and final grade. Public, as the welfare-lottery fund rules require."""
    rows: list[FundUseRow] = []
    for round_ in public_rounds().filter(year=year).order_by("pk"):
        agreements = list(
            Agreement.objects.filter(application__round=round_)
            .select_related("application")
            .annotate(paid=Sum("tranches__released_amount"))
        )
        returned = FundReturn.objects.filter(agreement__application__round=round_).aggregate(s=Sum("amount"))[
            "s"
        ]
        by_purpose: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
        for a in agreements:
            entry = by_purpose[a.application.get_purpose_area_display()]
            entry[0] += 1
            entry[1] += a.amount
        rows.append(
            FundUseRow(
                round=round_,
                total=round_.total_amount,
                awarded=sum((a.amount for a in agreements), Decimal("0.00")),
                paid=sum((a.paid or Decimal(0) for a in agreements), Decimal("0.00")),
                returned=returned or Decimal("0.00"),
                projects=len(agreements),
                by_purpose={k: (v[0], v[1]) for k, v in sorted(by_purpose.items())},
                grades=dict(Counter(a.final_grade for a in agreements if a.final_grade)),
                leverage=round_leverage(round_) if agreements else None,
                shortfalls=sum(1 for a in agreements if a.cofunding_flag),
            )
        )
    return rows


def _org_id(uscc: str) -> str:
    return f"CN-USCI-{uscc}"


def _funder_id(unit: Any) -> str:
    """The funder's org id: ``CN-USCI-`` and its 统一社会信用代码, as every recipient's. A unit whose
    code an administrator has not entered yet keeps the platform-local id until it is entered."""
    return _org_id(unit.uscc) if unit.uscc else f"CN-OPENGPS-UNIT-{unit.pk}"


GIVING_VERSION = "1.4"
GIVING_PUBLISHER = "湖南省政府购买服务平台（OpenGPS）"
"""The same publisher name as the OCDS packages (opengps.opendata.selectors.PUBLISHER_NAME)."""
GIVING_DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def _public_base() -> str:
    return str(getattr(settings, "OPENGPS_PUBLIC_URL", "") or "").rstrip("/")


def _location(region: Any) -> dict[str, Any]:
    """Where the beneficiaries are. 360Giving's geoCodeType codelist lists only UK gazetteers, so
    the GB/T 2260 code is not a geoCode: the region is named, the country is ``CN`` (ISO 3166-1)
    and the code is kept readable in the description."""
    return {
        "name": region.full_name,
        "countryCode": "CN",
        "description": f"GB/T 2260 行政区划代码 {region.code}",
    }


def giving_prefix() -> str:
    """``settings.OPENGPS_360G_PREFIX``: required in production (grant ids are permanent once
    published); development, the demo and the tests use the test prefix ``GIVING_TEST_PREFIX``."""
    prefix = str(getattr(settings, "OPENGPS_360G_PREFIX", "") or "")
    if not prefix:
        raise ImproperlyConfigured(
            "OPENGPS_360G_PREFIX is not set, and OPENGPS_DEBUG is off (production). Register the "
            "publisher's prefix with 360Giving and set it; `manage.py check --deploy` lists what is "
            "missing.\n"
            "未设置 OPENGPS_360G_PREFIX（生产环境）：360Giving 资助标识发布后不可更改，请先配置再发布。"
        )
    return prefix


def _giving_cofunding(agreement: Agreement) -> dict[str, Any]:
    """Co-funding as an additional field (360Giving allows fields beyond the standard): co-funders
    have no org-id of their own and are not this grant's funders, so they are not
    ``fundingOrganization`` entries. A person's identity is never published (慈善法 §82)."""
    receipts = list(agreement.receipts.all())
    commitments = list(agreement.application.commitments.all())
    if not receipts and not commitments:
        return {}
    row = project_leverage(agreement)
    data: dict[str, Any] = {
        "committed": row.committed,
        "receivedCash": row.split.cash,
        "receivedInKind": row.split.in_kind,
        "otherPublicFunding": row.split.public,
        "coFunders": [
            {"name": line.name, "type": line.source_label, "form": line.form_label, "amount": line.value}
            for line in public_cofunders(agreement)
        ],
    }
    if row.leverage.ratio is not None:
        data["leverage"] = row.leverage.ratio
    return data


def giving_360(year: int | None = None) -> dict[str, Any]:
    """Funded grants as a 360Giving data package (https://standard.threesixtygiving.org, 1.4).

    One grant per signed agreement (the award date is the signing date); recipients and funders
    carry the ``CN-USCI`` org-id of their Unified Social Credit Code; ``amountDisbursed`` is what
    the tranches have released so far; every round is a public call (申报指南), so
    ``fromOpenCall`` is "Yes"; ``dataSource`` is the round's public page. Amounts stay Decimal: the
    API writes them as JSON numbers without passing through float.
    """
    qs = (
        Agreement.objects.select_related(
            "application__organization",
            "application__beneficiary_region__parent__parent",
            "application__round__programme__funder_unit",
        )
        .filter(application__round__status__in=PUBLIC_STATUSES)
        .prefetch_related("receipts", "application__commitments")
        .annotate(disbursed=Sum("tranches__released_amount"))
        .order_by("signed_on", "number")
    )
    if year is not None:
        qs = qs.filter(signed_on__year=year)
    base = _public_base()
    prefix = giving_prefix()
    grants = []
    for agreement in qs:
        app = agreement.application
        funder = app.round.programme.funder_unit
        round_url = f"{base}{reverse('grants:round', kwargs={'round_id': app.round.pk})}" if base else ""
        grant: dict[str, Any] = {
            "id": f"{prefix}-{agreement.number}",
            "title": app.title,
            "description": app.summary or app.title,
            "currency": "CNY",
            "amountAwarded": agreement.amount,
            "amountDisbursed": (agreement.disbursed or Decimal(0)).quantize(Decimal("0.01")),
            "awardDate": agreement.signed_on.isoformat(),
            "plannedDates": [
                {"startDate": agreement.starts_on.isoformat(), "endDate": agreement.ends_on.isoformat()}
            ],
            "recipientOrganization": [{"id": _org_id(app.organization.uscc), "name": app.organization.name}],
            "fundingOrganization": [{"id": _funder_id(funder), "name": funder.name}],
            "grantProgramme": [{"code": f"round-{app.round.pk}", "title": app.round.title}],
            "beneficiaryLocation": [_location(app.beneficiary_region)],
            "fromOpenCall": "Yes",
        }
        if round_url:
            grant["dataSource"] = round_url
        cofunding = _giving_cofunding(agreement)
        if cofunding:
            grant["coFunding"] = cofunding
        grants.append(grant)
    moment = clock.now().isoformat(timespec="seconds")
    package: dict[str, Any] = {
        "version": GIVING_VERSION,
        "title": f"{GIVING_PUBLISHER} 福彩公益金资助项目{f'（{year} 年）' if year else ''}",
        "description": "按 360Giving 数据标准公开的福彩公益金资助项目：每份已签订的资助协议为一条资助记录",
        "issued": moment,
        "modified": moment,
        "identifier": f"opengps-360giving-{year or 'all'}",
        "publisher": {"name": GIVING_PUBLISHER},
        "license": str(getattr(settings, "OPENGPS_OCDS_LICENSE", "") or GIVING_DEFAULT_LICENSE),
        "grants": grants,
    }
    if base:
        package["publisher"]["website"] = f"{base}/"
        package["accessURL"] = f"{base}{reverse('grants:report')}"
        query = f"?year={year}" if year else ""
        package["downloadURL"] = f"{base}/api/v1/grants/360giving{query}"
    return package


def years_with_grants() -> list[int]:
    return sorted(set(public_rounds().values_list("year", flat=True)), reverse=True)


def report_year(raw: str | None, default: date) -> int:
    return int(raw) if raw and raw.isdecimal() and 2000 <= int(raw) <= 2100 else default.year


# ---------------------------------------------------------------------------------------------
# Co-funding and leverage (配套资金与撬动比)


@dataclass(frozen=True)
class LeverageRow:
    """Public money, co-funding received (cash and in-kind apart, other public money apart) and
    the leverage ratio of a project, a round or a programme."""

    grant: Decimal
    split: cofunding_rules.Totals
    leverage: cofunding_rules.Leverage
    committed: Decimal
    donations: Decimal = Decimal("0.00")
    """Donations into a development fund itself (counted as other money at programme level)."""

    @property
    def citation(self) -> str:
        return f"{cofunding_rules.PLATFORM}；{cofunding_rules.SEED_000}"


def _leverage_row(
    grant: Decimal, receipts: list[Any], commitments: list[Any], donations: Decimal = Decimal("0.00")
) -> LeverageRow:
    split = cofunding_rules.totals(cofunding_contributions(receipts))
    if donations:
        split = cofunding_rules.Totals(split.cash + donations, split.in_kind, split.public)
    committed = cofunding_rules.totals(cofunding_contributions(commitments)).other
    return LeverageRow(grant, split, cofunding_rules.leverage(grant, split).value, committed, donations)


def project_leverage(agreement: Agreement) -> LeverageRow:
    """One project: its grant against the co-funding its receipts report."""
    return _leverage_row(
        agreement.amount, list(agreement.receipts.all()), list(agreement.application.commitments.all())
    )


def round_leverage(round_: Round) -> LeverageRow:
    """A round: the grants of its signed agreements against every receipt its projects report."""
    agreements = Agreement.objects.filter(application__round=round_)
    grant = agreements.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    receipts = list(CofundingReceipt.objects.filter(agreement__application__round=round_))
    commitments = list(
        CofundingCommitment.objects.filter(application__agreement__in=agreements).select_related(
            "application"
        )
    )
    return _leverage_row(grant, receipts, commitments)


def programme_leverage(programme: Programme) -> LeverageRow:
    """A programme over its public rounds; a development fund's own donations count as other money."""
    rounds = public_rounds().filter(programme=programme)
    agreements = Agreement.objects.filter(application__round__in=rounds)
    grant = agreements.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    receipts = list(CofundingReceipt.objects.filter(agreement__in=agreements))
    commitments = list(CofundingCommitment.objects.filter(application__agreement__in=agreements))
    donated = FundDonation.objects.filter(programme=programme).aggregate(s=Sum("amount"))["s"]
    return _leverage_row(grant, receipts, commitments, donated or Decimal("0.00"))


@dataclass(frozen=True)
class CofunderLine:
    """A co-funder as public pages and open data show it: a person's identity never (慈善法 §82)."""

    name: str
    source: str
    source_label: str
    form_label: str
    value: Decimal
    charity: str
    restricted_purpose: str


def public_cofunders(agreement: Agreement) -> list[CofunderLine]:
    """The co-funders of a project as received, people masked, grouped by shown name and source."""
    grouped: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for receipt in agreement.receipts.all():
        shown = cofunding_rules.donor_shown(
            cofunding_rules.SourceKind(receipt.source), receipt.donor, receipt.charity
        ).value
        grouped[(shown, receipt.source, receipt.form)].append(receipt)
    lines = []
    for (shown, source, form), items in grouped.items():
        first = items[0]
        lines.append(
            CofunderLine(
                name=shown,
                source=source,
                source_label=str(CofundingSource(source).label),
                form_label=str(CofundingForm(form).label),
                value=sum((i.value for i in items), Decimal("0.00")),
                charity=first.charity,
                restricted_purpose=first.restricted_purpose,
            )
        )
    return sorted(lines, key=lambda line: (-line.value, line.name))


def public_fund_donations(programme: Programme) -> list[CofunderLine]:
    """A development fund's donors, people masked, largest first."""
    grouped: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for d in FundDonation.objects.filter(programme=programme):
        shown = cofunding_rules.donor_shown(cofunding_rules.SourceKind(d.source), d.donor, d.charity).value
        grouped[(shown, d.source)] += d.amount
    return sorted(
        (
            CofunderLine(
                shown, source, str(CofundingSource(source).label), str(CofundingForm.CASH.label), v, "", ""
            )
            for (shown, source), v in grouped.items()
        ),
        key=lambda line: (-line.value, line.name),
    )


def round_cofunding(round_: Round) -> list[tuple[Agreement, LeverageRow, list[CofunderLine]]]:
    """Each signed agreement of a round with its leverage and masked co-funders (the round's report)."""
    agreements = (
        Agreement.objects.filter(application__round=round_)
        .select_related("application__organization")
        .prefetch_related("receipts", "application__commitments")
        .order_by("number")
    )
    return [(a, project_leverage(a), public_cofunders(a)) for a in agreements]


def shortfall_flags(round_: Round) -> list[Agreement]:
    """Agreements of a round flagged at the final review for co-funding short of the commitment."""
    return [
        a
        for a in Agreement.objects.filter(application__round=round_)
        .select_related("application")
        .order_by("number")
        if a.cofunding_flag
    ]


def programme_get(*, actor: Viewer, programme_id: int) -> Programme:
    """A programme's public page: any programme with a public round, or the funder's own."""
    programme = Programme.objects.select_related("funder_unit").filter(pk=programme_id).first()
    if programme is None:
        raise NotFound(Code.GRANTS_PROGRAMME_NOT_FOUND)
    own = has_role(actor, Role.PURCHASER) and actor.unit_id == programme.funder_unit_id
    if (
        not own
        and not public_rounds().filter(programme=programme).exists()
        and not programme.is_development_fund
    ):
        raise NotFound(Code.GRANTS_PROGRAMME_NOT_FOUND)
    return programme


def commitments_of(application: Application) -> list[CofundingCommitment]:
    return list(application.commitments.order_by("pk"))


def receipts_of(agreement: Agreement) -> list[CofundingReceipt]:
    return list(agreement.receipts.select_related("tranche").order_by("received_on", "pk"))


def commitment_get(*, actor: Viewer, commitment_id: int) -> CofundingCommitment:
    """A commitment the actor may read: its organization's, or a reader of the round's records."""
    item = (
        CofundingCommitment.objects.select_related(
            "application__round__programme", "application__organization"
        )
        .filter(pk=commitment_id)
        .first()
    )
    if item is None or not _reads_project(actor, item.application):
        raise NotFound(Code.GRANTS_COMMITMENT_NOT_FOUND)
    return item
