"""What the platform already knows about an organization an assessor scores (issue 24 §2): the
performance grades of its contracts, its grant agreements' outcomes, its credit listings and
penalties — read here from the earlier stages — and what the later apps register through
`opengps.assessment.hooks` (opinion alerts, residents' ratings and complaints). Each fact is shown
beside the indicators of the section it informs; it informs the assessor and never changes a score.

Reads only, in a constant number of queries however many records an organization has."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from opengps.accounts.actors import MaybeActor
from opengps.accounts.models import Role
from opengps.accounts.permissions import has_role
from opengps.assessment import hooks
from opengps.assessment.hooks import Fact
from opengps.assessment.models import Application, Indicator, Round, Section
from opengps.assessment.services import is_assessor, manages
from opengps.core import clock
from opengps.core.templatetags.money import format_yuan
from opengps.grants.models import Agreement
from opengps.grants.selectors import can_read_round_private
from opengps.performance.models import HistoryEntry, HistoryKind, HistorySource
from opengps.registry import derived
from opengps.registry.models import CreditListing, Organization, Penalty
from opengps.registry.selectors import credit_reason_label
from opengps.rules.eligibility import penalty_effect

GRADE_TONES = {"优": "ok", "良": "ok", "中": "warn", "差": "bad"}
SECTION_ORDER = [Section.SOCIAL, Section.PERFORMANCE, Section.GOVERNANCE, Section.BASIC]
"""The order of the sections on the page: the ones the platform's facts mostly inform first."""


def readable_by(actor: MaybeActor, round_: Round) -> bool:
    """Who reads the facts beside an application: the round's assessors, its registration authority
    and auditors — those who read the sheets. The organization's own members do not: some facts
    (opinion alerts) are for officials."""
    return manages(actor, round_) or has_role(actor, Role.AUDITOR) or is_assessor(actor, round_)


def _performance(orgs: Sequence[Organization], viewer: MaybeActor) -> dict[int, list[Fact]]:
    """The performance history of the organizations' contracts (grades, failed acceptances,
    terminations); grant results come with the agreements (`_grants`)."""
    found: dict[int, list[Fact]] = defaultdict(list)
    uscc = {o.pk: o.uscc for o in orgs}
    rows = HistoryEntry.objects.filter(organization__in=list(uscc), source=HistorySource.CONTRACT).order_by(
        "-occurred_on", "-pk"
    )
    for entry in rows:
        grade = entry.kind == HistoryKind.GRADE
        label = entry.get_kind_display()
        if grade:
            label = _("%(kind)s：%(grade)s") % {"kind": label, "grade": entry.grade}
        parts = [entry.reference]
        if entry.score is not None:
            parts.append(_("得分 %(score)s") % {"score": entry.score})
        if entry.note:
            parts.append(entry.note)
        tone = GRADE_TONES.get(entry.grade, "info") if grade else "bad"
        found[entry.organization_id].append(
            Fact(
                section=Section.PERFORMANCE,
                source=_("绩效评价"),
                label=label,
                on=entry.occurred_on,
                # the evaluation's report, else the history on the organization's public page
                url=reverse("performance:evaluation", args=[entry.evaluation_id])
                if entry.evaluation_id
                else reverse("registry:detail", args=[uscc[entry.organization_id]]) + "#performance-history",
                tone="bad" if entry.flagged else tone,
                detail=" · ".join(parts),
                kind=f"performance.{entry.kind}",
            )
        )
    return found


def _agreement_detail(agreement: Agreement) -> str:
    parts = [
        agreement.application.title,
        _("资助金额 %(amount)s 元") % {"amount": format_yuan(agreement.amount)},
    ]
    if agreement.midterm_passed is not None:
        parts.append(_("中期评估通过") if agreement.midterm_passed else _("中期评估未通过"))
    if agreement.final_grade:
        parts.append(_("结项评价等级 %(grade)s") % {"grade": agreement.final_grade})
    audit = getattr(agreement, "final_audit", None)
    if audit is not None:
        parts.append(_("结项审计：%(opinion)s") % {"opinion": audit.get_opinion_display()})
    return " · ".join(parts)


def _agreement_tone(agreement: Agreement) -> str:
    audit = getattr(agreement, "final_audit", None)
    if agreement.midterm_passed is False or (audit is not None and audit.opinion == "adverse"):
        return "bad"
    if agreement.final_grade:
        return GRADE_TONES.get(agreement.final_grade, "info")
    return "info"


def _grants(orgs: Sequence[Organization], viewer: MaybeActor) -> dict[int, list[Fact]]:
    """The organizations' grant agreements with their outcome (mid-term, final grade, final audit)."""
    found: dict[int, list[Fact]] = defaultdict(list)
    rows = (
        Agreement.objects.filter(application__organization__in=[o.pk for o in orgs])
        .select_related("application__round__programme", "final_audit")
        .order_by("-signed_on", "-pk")
    )
    for agreement in rows:
        application = agreement.application
        readable = viewer is not None and can_read_round_private(viewer, application.round)
        found[application.organization_id].append(
            Fact(
                section=Section.PERFORMANCE,
                source=_("资助项目"),
                label=_("资助协议 %(number)s：%(status)s")
                % {"number": agreement.number, "status": agreement.get_status_display()},
                on=agreement.final_review_on or agreement.signed_on,
                url=reverse("grants:agreement", args=[agreement.pk]) if readable else "",
                tone=_agreement_tone(agreement),
                detail=_agreement_detail(agreement),
                kind="grants.agreement",
            )
        )
    return found


def _credit(orgs: Sequence[Organization], viewer: MaybeActor) -> dict[int, list[Fact]]:
    """The organizations' credit listings (removed ones too, with the removal) and penalties."""
    found: dict[int, list[Fact]] = defaultdict(list)
    uscc = {o.pk: o.uscc for o in orgs}
    for listing in CreditListing.objects.filter(organization__in=list(uscc)).order_by("-listed_on", "-pk"):
        removed = listing.removed_on is not None
        label = listing.get_kind_display()
        if removed:
            label = _("%(list)s（%(date)s 已移出）") % {"list": label, "date": listing.removed_on}
        found[listing.organization_id].append(
            Fact(
                section=Section.SOCIAL,
                source=_("信用名录"),
                label=label,
                on=listing.listed_on,
                url=reverse("registry:detail", args=[uscc[listing.organization_id]]) + "#credit",
                tone="info" if removed else "bad",
                detail=" · ".join([credit_reason_label(listing.reason), listing.decision_document]),
                kind="registry.credit_listing",
            )
        )
    today = clock.today()
    for penalty in Penalty.objects.filter(organization__in=list(uscc)).order_by("-decided_on", "-pk"):
        effect = penalty_effect(derived.penalty_fact(penalty), today)
        parts = [penalty.issuer, penalty.decision_document]
        if penalty.amount is not None:
            parts.append(_("罚款 %(amount)s 元") % {"amount": format_yuan(penalty.amount)})
        found[penalty.organization_id].append(
            Fact(
                section=Section.SOCIAL,
                source=_("行政处罚"),
                label=penalty.get_kind_display(),
                on=penalty.decided_on,
                url=reverse("registry:detail", args=[uscc[penalty.organization_id]]) + "#penalties",
                tone="bad" if effect.severity == "block" else "warn",
                detail=" · ".join(parts),
                kind="registry.penalty",
            )
        )
    return found


BUILT_IN = (_performance, _grants, _credit)


def facts_of(organizations: Sequence[Organization], *, viewer: MaybeActor) -> dict[int, list[Fact]]:
    """Every fact about `organizations` by organization id: the earlier stages' read here, then the
    registered providers' (`hooks.provided_facts`); each organization's newest first."""
    found: dict[int, list[Fact]] = defaultdict(list)
    if not organizations:
        return found
    for read in BUILT_IN:
        for org_id, facts in read(organizations, viewer).items():
            found[org_id].extend(facts)
    for org_id, facts in hooks.provided_facts(organizations, viewer=viewer).items():
        found[org_id].extend(facts)
    for facts in found.values():
        facts.sort(key=lambda f: f.on.toordinal() if f.on else 0, reverse=True)
    return found


@dataclass(frozen=True)
class SectionFacts:
    """The facts of one section beside the indicators they inform."""

    section: str
    label: str
    indicators: list[Indicator]
    facts: list[Fact]


def by_section(items: Iterable[Indicator], facts: Sequence[Fact]) -> list[SectionFacts]:
    """The facts grouped by the section they inform, each with that section's indicators, in
    `SECTION_ORDER`; sections without a fact, and facts naming no known section, are left out."""
    indicators: dict[str, list[Indicator]] = defaultdict(list)
    for item in items:
        indicators[item.section].append(item)
    grouped: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        grouped[fact.section].append(fact)
    return [
        SectionFacts(section, str(Section(section).label), indicators[section], grouped[section])
        for section in SECTION_ORDER
        if grouped[section]
    ]


def application_facts(
    app: Application, items: Iterable[Indicator], *, viewer: MaybeActor
) -> list[SectionFacts]:
    """The facts about an application's organization, grouped beside its round's indicators."""
    facts = facts_of([app.organization], viewer=viewer).get(app.organization_id, [])
    return by_section(items, facts)
