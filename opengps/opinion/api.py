"""Opinion API (/api/v1/opinion/, signed-in officials): the item stream with its filters, one item
with its matches, the alert queue, one alert, the reviewer's decision (one POST), an item's tone
correction (one POST), the corrections report, the import of a contractor's file (multipart, all
rows or none) and the manual entry of one item. Refusals are
the services' codes in the platform's error shape (ErrorOut)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from opengps.accounts.actors import signed_in_user
from opengps.core.api_errors import ERRORS
from opengps.core.inputs import Count, Id, Str8, Str16, Str60, Str120, Str300, Str500, Text
from opengps.opinion import selectors, services, uploads
from opengps.opinion.models import Alert, Item, Match, ToneCorrection

router = Router(tags=["opinion"], auth=django_auth)


class ItemsIn(Schema):
    tone: Str8 = ""
    topic: Str8 = ""
    organization: Id | None = None
    q: Str60 = ""
    matched: Str8 = ""
    limit: Count = 100


class MatchOut(Schema):
    organization: int
    organization_name: str
    uscc: str
    name: str
    via: str
    start: int
    end: int
    evidence: str

    @staticmethod
    def resolve_organization(obj: Match) -> int:
        return obj.organization_id

    @staticmethod
    def resolve_organization_name(obj: Match) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_uscc(obj: Match) -> str:
        return obj.organization.uscc


class OpinionItemOut(Schema):
    id: int
    title: str
    url: str | None
    source: str
    published_at: datetime | None
    fetched_at: datetime
    tone: str
    tone_label: str
    topics: list[str]
    evidence: list[str]
    duplicate_count: int
    matches: list[MatchOut]

    @staticmethod
    def resolve_source(obj: Item) -> str:
        return obj.source.name

    @staticmethod
    def resolve_tone_label(obj: Item) -> str:
        return str(obj.get_tone_display())

    @staticmethod
    def resolve_topics(obj: Item) -> list[str]:
        return obj.topic_list

    @staticmethod
    def resolve_matches(obj: Item) -> list[Match]:
        return list(obj.matches.all())


class ItemPageOut(OpinionItemOut):
    text: str


class AlertOut(Schema):
    id: int
    organization: int
    organization_name: str
    topic: str
    status: str
    opened_at: datetime
    decided_at: datetime | None
    ties: list[dict[str, Any]]
    items: list[int]
    decision: str | None
    decided_by: str | None
    listing: int | None

    @staticmethod
    def resolve_organization(obj: Alert) -> int:
        return obj.organization_id

    @staticmethod
    def resolve_organization_name(obj: Alert) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_items(obj: Alert) -> list[int]:
        return [item.pk for item in obj.items.all()]

    @staticmethod
    def resolve_decision(obj: Alert) -> str | None:
        decision = getattr(obj, "decision", None)
        return decision.kind if decision else None

    @staticmethod
    def resolve_decided_by(obj: Alert) -> str | None:
        decision = getattr(obj, "decision", None)
        return decision.decided_by.get_username() if decision else None

    @staticmethod
    def resolve_listing(obj: Alert) -> int | None:
        decision = getattr(obj, "decision", None)
        return decision.listing_id if decision else None


class AlertDecisionIn(Schema):
    kind: Str16
    note: Text
    decision_document: Str120 = ""


@router.get("/items", response={200: list[OpinionItemOut], **ERRORS})
def items(request: HttpRequest, query: Query[ItemsIn]) -> Any:
    """The newest items (at most `limit`, 500 at most), filtered by tone, topic, organization, text."""
    filters = selectors.Filters(
        tone=query.tone, topic=query.topic, organization=query.organization, q=query.q, matched=query.matched
    )
    return list(
        selectors.items(actor=signed_in_user(request), filters=filters)[: max(1, min(query.limit, 500))]
    )


@router.get("/items/{pk}", response={200: ItemPageOut, **ERRORS})
def item(request: HttpRequest, pk: Id) -> Any:
    """One item with its text and the organizations it names (with the evidence)."""
    return selectors.item_get(actor=signed_in_user(request), pk=pk)


@router.get("/alerts", response={200: list[AlertOut], **ERRORS})
def alerts(request: HttpRequest, status: Str8 = "open") -> Any:
    """The caller's alert queue (`open` by default; `decided`; empty for all), at most 500."""
    return list(selectors.alerts(actor=signed_in_user(request), status=status)[:500])


@router.get("/alerts/{pk}", response={200: AlertOut, **ERRORS})
def alert(request: HttpRequest, pk: Id) -> Any:
    return selectors.alert_get(actor=signed_in_user(request), pk=pk)


@router.post("/alerts/{pk}/decision", response={201: AlertOut, **ERRORS})
def decide(request: HttpRequest, pk: Id, payload: AlertDecisionIn) -> Any:
    """Record the reviewer's decision; `propose_listing` lists through the registry's procedure."""
    actor = signed_in_user(request)
    target = selectors.alert_get(actor=actor, pk=pk)
    services.alert_decide(
        actor=actor,
        alert=target,
        kind=payload.kind,
        note=payload.note,
        decision_document=payload.decision_document,
    )
    return Status(201, selectors.alert_get(actor=actor, pk=pk))


class ToneCorrectionIn(Schema):
    tone: Str8
    note: Text


class ToneCorrectionOut(Schema):
    id: int
    item: int
    classified: str
    previous: str
    tone: str
    note: str
    corrected_at: datetime
    corrected_by: str

    @staticmethod
    def resolve_item(obj: ToneCorrection) -> int:
        return obj.item_id

    @staticmethod
    def resolve_corrected_by(obj: ToneCorrection) -> str:
        return str(obj.corrected_by)


class CorrectionPairOut(Schema):
    classified: str
    tone: str
    items: int


class CorrectionReportOut(Schema):
    items: int
    corrected_items: int
    pairs: list[CorrectionPairOut]
    latest: list[ToneCorrectionOut]


@router.post("/items/{pk}/tone", response={201: ToneCorrectionOut, **ERRORS})
def correct_tone(request: HttpRequest, pk: Id, payload: ToneCorrectionIn) -> Any:
    """A reviewer corrects an item's tone; the correction is kept and counted in `/corrections`."""
    actor = signed_in_user(request)
    target = selectors.item_get(actor=actor, pk=pk)
    return Status(
        201, services.item_tone_correct(actor=actor, item=target, tone=payload.tone, note=payload.note)
    )


@router.get("/corrections", response={200: CorrectionReportOut, **ERRORS})
def corrections(request: HttpRequest) -> Any:
    """The tone corrections: items corrected, from the classifier's tone to the reviewer's, latest 100."""
    report = selectors.tone_corrections(actor=signed_in_user(request))
    return {
        "items": report.items,
        "corrected_items": report.corrected_items,
        "pairs": [{"classified": a, "tone": b, "items": n} for a, b, n in report.pairs],
        "latest": report.latest,
    }


class OpinionImportOut(Schema):
    file: str
    source: str
    rows: int
    stored: int
    duplicates: int
    alerts: int


@router.post("/imports", response={201: OpinionImportOut, **ERRORS})
def file_import(request: HttpRequest, file: File[UploadedFile], source: Form[Id | None] = None) -> Any:
    """Import a contractor's file (CSV, .xlsx or JSON) into an import source (`source`; the default one
    when none), all rows or none: a 400 ``opinion.rows_invalid`` lists every bad row (row, column,
    code, message) in ``error.params.errors``; a file too large, empty or of another kind is a 400."""
    actor = signed_in_user(request)
    target = uploads.import_source_get(actor=actor, pk=source) if source is not None else None
    result = uploads.file_import(actor=actor, name=file.name or "", content=file.read(), source=target)
    return Status(201, result)


class OpinionItemEntryIn(Schema):
    title: Str300
    outlet: Str120 = ""
    url: Str500 = ""
    published_at: datetime | None = None
    text: Text = ""


class OpinionItemEnteredOut(Schema):
    item: int | None
    duplicate: bool


@router.post("/items", response={201: OpinionItemEnteredOut, **ERRORS})
def item_enter(request: HttpRequest, payload: OpinionItemEntryIn) -> Any:
    """Enter one item by hand into the manual source; ``duplicate`` when it repeats an item already
    collected (nothing stored); a link already collected is a 409."""
    item = uploads.manual_enter(actor=signed_in_user(request), **payload.dict())
    return Status(201, {"item": item.pk if item else None, "duplicate": item is None})
