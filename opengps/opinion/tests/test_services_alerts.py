"""Alerts and review: a negative item about an organization with a live contract raises one open
alert per organization and topic (later items attach; positive items and organizations without
public money raise none); a reviewer of the registration authority records a decision, and the
abnormal-list decision goes through the registry's own procedure with the reviewer in the trail."""

from __future__ import annotations

import pytest

from opengps.accounts.models import User
from opengps.contracts.models import Contract
from opengps.core.errors import Conflict, PermissionDenied, ServiceError
from opengps.core.models import AuditEvent
from opengps.demo.world import Organizations, Users
from opengps.opinion import selectors, services
from opengps.opinion.models import Alert, AlertStatus, Decision, Source
from opengps.registry.models import CreditListing, CreditListKind

NEGATIVE_FEES = "{name}被家长投诉违规收费，区教育局已介入调查。"
NEGATIVE_FEES_2 = "又有多名家长反映{name}额外收取材料费，家长维权无果。"
NEGATIVE_SAFETY = "{name}一名老人在洗澡时滑倒受伤，家属质疑安全管理存在隐患。"
POSITIVE = "{name}荣获全省先进社会组织表彰，服务获得群众好评。"


def _collect(actor: User, source: Source, template: str, name: str) -> services.Collected:
    text = template.format(name=name)
    return services.items_collect(
        actor=actor, source=source, incoming=[services.Incoming(title=text[:20], text=text)]
    )


@pytest.fixture
def manual(registrar: User) -> Source:
    return services.source_create(actor=registrar, name="人工录入", kind="manual")


def test_one_open_alert_per_organization_and_topic(
    registrar: User, contract: Contract, make_org: Organizations, manual: Source
) -> None:
    # given: the contract's supplier (live contract) and an organization without public money
    supplier = contract.supplier
    unpaid = make_org(name="长沙市无合同服务中心")
    # when: two negative fee stories, one safety story and one positive story about the supplier arrive,
    # and a negative one about the unpaid organization
    first = _collect(registrar, manual, NEGATIVE_FEES, supplier.name)
    second = _collect(registrar, manual, NEGATIVE_FEES_2, supplier.name)
    safety = _collect(registrar, manual, NEGATIVE_SAFETY, supplier.name)
    praise = _collect(registrar, manual, POSITIVE, supplier.name)
    other = _collect(registrar, manual, NEGATIVE_FEES, unpaid.name)
    # then: one alert on fees with both items, one on safety, none for the praise or the unpaid one
    fees = Alert.objects.get(organization=supplier, topic="fees")
    assert first.alerts == [fees] and second.alerts == [fees]
    assert {item.pk for item in fees.items.all()} == {first.new[0].pk, second.new[0].pk}
    assert [alert.topic for alert in safety.alerts] == ["safety"]
    assert praise.alerts == [] and other.alerts == []
    assert Alert.objects.count() == 2
    assert fees.ties == [
        {
            "kind": "contract",
            "ref": contract.reference,
            "label": contract.title,
            "unit": contract.purchaser_id,
        }
    ]
    assert list(fees.units.all()) == [contract.purchaser]
    # and the matches carry their evidence
    match = first.new[0].matches.get()
    assert match.organization == supplier and f"【{supplier.name}】" in match.evidence
    assert list(
        AuditEvent.objects.filter(object_type="opinion.alert")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["opinion_alert.raised", "opinion_alert.attached", "opinion_alert.raised"]


def test_the_purchaser_sees_the_alert_and_cannot_decide(
    registrar: User, purchaser: User, contract: Contract, manual: Source
) -> None:
    _collect(registrar, manual, NEGATIVE_FEES, contract.supplier.name)
    alert = Alert.objects.get()
    assert list(selectors.alerts(actor=purchaser)) == [alert]
    with pytest.raises(PermissionDenied):
        services.alert_decide(actor=purchaser, alert=alert, kind="no_action", note="不属于本单位职责")


def test_a_listing_decision_goes_through_the_registry_procedure(
    registrar: User, contract: Contract, manual: Source
) -> None:
    # given: an open alert on the supplier
    _collect(registrar, manual, NEGATIVE_FEES, contract.supplier.name)
    alert = Alert.objects.get()
    # when: a decision without its document is refused, then the reviewer decides with one
    with pytest.raises(ServiceError) as missing:
        services.alert_decide(actor=registrar, alert=alert, kind="propose_listing", note="经核实存在违规收费")
    assert missing.value.code == "opinion.document_required"
    decision = services.alert_decide(
        actor=registrar,
        alert=alert,
        kind="propose_listing",
        note="经核实存在违规收费，责令整改逾期未改",
        decision_document="湘民异〔2027〕1号",
    )
    # then: the registry listed it (its own event, under the reviewer's name) and the alert is decided
    listing = CreditListing.objects.get()
    assert decision.listing == listing and listing.kind == CreditListKind.ABNORMAL
    assert listing.organization == contract.supplier and listing.decision_document == "湘民异〔2027〕1号"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DECIDED and decision.decided_by == registrar
    listed = AuditEvent.objects.get(action="registry.credit_listed")
    decided = AuditEvent.objects.get(action="opinion_alert.decided")
    assert listed.actor_id == registrar.pk and decided.actor_id == registrar.pk
    assert decided.new_values["listing"] == listing.pk and decided.reason.startswith("经核实")
    # and a second decision is refused
    with pytest.raises(Conflict):
        services.alert_decide(actor=registrar, alert=alert, kind="no_action", note="重复")


def test_other_decisions_list_nobody(
    registrar: User, make_user: Users, contract: Contract, manual: Source
) -> None:
    _collect(registrar, manual, NEGATIVE_SAFETY, contract.supplier.name)
    alert = Alert.objects.get()
    with pytest.raises(ServiceError) as bad:
        services.alert_decide(actor=registrar, alert=alert, kind="ban", note="x")
    assert bad.value.code == "opinion.decision_invalid"
    with pytest.raises(ServiceError) as empty:
        services.alert_decide(actor=registrar, alert=alert, kind="explain", note="  ")
    assert empty.value.code == "opinion.note_required"
    decision = services.alert_decide(actor=registrar, alert=alert, kind="explain", note="请机构书面说明")
    assert decision.listing is None and CreditListing.objects.count() == 0
    assert Decision.objects.get().kind == "explain"
