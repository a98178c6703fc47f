"""Writes of open data: releases emitted with each published change, backfill, bulk exports.

Releases are written by `on_audit_event`, subscribed in `OpendataConfig.ready()` to the audit
actions that publish something (`TAG_BY_ACTION`). It runs inside the service's transaction, right
after the audit event is written, so the release commits or rolls back with the change.

**Change-feed order.** `release_append` takes each release's feed ``position`` from the single
`FeedHead` row, locked ``SELECT … FOR UPDATE`` and incremented in the writer's transaction. The
lock is held until commit, so the next writer reads the counter only after the previous one has
committed (or rolled back, restoring it): positions are gap-free and become visible strictly in
order. A reader that has seen position *n* has therefore seen every position below *n*, and a
release that commits later always gets a position above every one already visible — the feed
(``position > cursor``) never skips a release, whatever the transaction lengths. This holds on its
own; in practice the audit chain-head lock, taken first by every audited write, already
serializes these writers, and the feed lock is always taken after it (no lock-order inversion).
On SQLite the database write lock gives the same order.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files import File
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from opengps.accounts.actors import SystemOrActor
from opengps.accounts.models import Role
from opengps.accounts.permissions import require_role
from opengps.contracts.models import Contract
from opengps.core import audit, clock, events, tasks
from opengps.core.models import AuditEvent
from opengps.emall.events import Event as EmallEvent
from opengps.emall.models import BiddingRound, Order, OrderKind
from opengps.opendata import builders, ocds, selectors
from opengps.opendata.events import Event
from opengps.opendata.models import ExportJob, FeedHead, Record, Release
from opengps.opendata.storage import exports_storage
from opengps.planning.models import PurchaseIntention, PurchasePlan
from opengps.procurement.models import Procurement

logger = logging.getLogger(__name__)

TAG_BY_ACTION: dict[str, str] = {}
"""Audit action → OCDS release tag (releaseTag codelist), from the apps' declared events (the third
value of an `events.Event` member; filled by `subscribe` when the apps are ready).
``procurement.opened`` publishes the opening record: the first release with bids (bids extension).
A terminated contract is ``contractTermination`` (OCDS 1.1.5) with contract status ``terminated``."""

EMALL_TAGS: dict[str, str] = {
    EmallEvent.EMALL_ORDER_CONFIRMED: "contract",
    EmallEvent.EMALL_ORDER_DELIVERED: "implementation",
    EmallEvent.EMALL_ORDER_ACCEPTED: "implementation",
    EmallEvent.EMALL_ORDER_PAID: "implementation",
    EmallEvent.EMALL_ORDER_DECLINED: "awardUpdate",
    EmallEvent.EMALL_ORDER_LAPSED: "awardUpdate",
    EmallEvent.EMALL_ROUND_AWARDED: "award",
    EmallEvent.EMALL_ROUND_FAILED: "tenderCancellation",
}
"""The e-mall's publishing actions (its events declare no tag): the close of a 竞价 round publishes
it (``award``, or ``tenderCancellation`` for a failed round, like a failed procurement); the
supplier's confirmation concludes the purchase (``contract``); delivery, acceptance and payment
are ``implementation``; a round's winner declining or letting its order lapse cancels the award
(``awardUpdate``). Whether anything is published is `builders.order_public` / `round_public`."""

_merger_rules: dict[tuple[str, ...], str] | None = None


def merge_rules() -> dict[tuple[str, ...], str]:
    global _merger_rules
    if _merger_rules is None:
        _merger_rules = ocds.load_merge_rules()
    return _merger_rules


def merger() -> Any:
    """An `ocdsmerge.Merger` with the generated merge rules (no schema, no network)."""
    import ocdsmerge  # type: ignore[import-untyped]

    return ocdsmerge.Merger(merge_rules=merge_rules())


def records_verify(*, chunk: int = 500) -> list[str]:
    """Ocids whose cached compiled release differs from a fresh merge of all their releases.

    The cache is folded forward one release at a time (`ocdsmerge.merge.CompiledRelease`, the class
    behind `Merger`); this recompiles every record with `Merger.create_compiled_release` to prove
    the two agree. Reads only; streamed record by record.
    """
    compile_all = merger().create_compiled_release
    differing = []
    for record in Record.objects.order_by("ocid").iterator(chunk_size=chunk):
        releases = [
            json.loads(p)
            for p in Release.objects.filter(ocid=record.ocid)
            .order_by("position")
            .values_list("payload", flat=True)
        ]
        if compile_all(releases) != json.loads(record.compiled):
            differing.append(record.ocid)
    return differing


def _compiled(previous: str | None, release: dict[str, Any]) -> str:
    from ocdsmerge.merge import CompiledRelease  # type: ignore[import-untyped]

    merged = CompiledRelease(
        json.loads(previous) if previous else None, merge_rules=merge_rules(), rule_overrides={}
    )
    merged.append(release)
    return ocds.dumps(merged.asdict())


RELEASE_METADATA = ("id", "date", "tag")
"""Fields every release has of its own; the rest is what the release says about the process."""


def release_content(release: dict[str, Any]) -> dict[str, Any]:
    """What a release says about its process: everything but its own id, date and tag (as JSON)."""
    data: dict[str, Any] = json.loads(ocds.dumps(release))
    return {key: value for key, value in data.items() if key not in RELEASE_METADATA}


def _repeats_previous(ocid: str, release: dict[str, Any]) -> bool:
    previous = (
        Release.objects.filter(ocid=ocid).order_by("-position").values_list("payload", flat=True).first()
    )
    return previous is not None and release_content(json.loads(previous)) == release_content(release)


def release_append(
    *,
    ocid: str,
    tag: str,
    moment: datetime,
    build: Callable[[str], dict[str, Any]],
    event_seq: int | None = None,
) -> Release | None:
    """Append one release (and fold it into its record) in the caller's transaction.

    `build(release_id)` returns the release; its position comes from the feed counter (see the
    module docstring). Must run inside ``transaction.atomic()``. A release that would say nothing
    new — equal to the previous release of the same ocid but for its id, date and tag — is not
    written (returns None): every release of a process changes something a data user can see.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("release_append() must run inside the transaction that publishes the change")
    head, _created = FeedHead.objects.select_for_update().get_or_create(pk=1)
    position = head.last_position + 1
    release_id = f"{ocid}-{position}"
    data = build(release_id)
    if _repeats_previous(ocid, data):
        return None
    release = Release.objects.create(
        position=position,
        ocid=ocid,
        release_id=release_id,
        tag=tag,
        date=moment,
        payload=ocds.dumps(data),
        event_seq=event_seq,
    )
    head.last_position = position
    head.save(update_fields=["last_position"])
    record = Record.objects.select_for_update().filter(ocid=ocid).first()
    if record is None:
        Record.objects.create(
            ocid=ocid,
            year=moment.astimezone(ocds.BEIJING).year,
            release_count=1,
            last_position=position,
            compiled=_compiled(None, data),
        )
    else:
        record.compiled = _compiled(record.compiled, data)
        record.release_count += 1
        record.last_position = position
        record.save(update_fields=["compiled", "release_count", "last_position", "updated_at"])
    return release


# --- the audit hook -----------------------------------------------------------------------------


def _instance(event: AuditEvent) -> models.Model | None:
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return None
    instance: models.Model | None = model._default_manager.filter(pk=event.object_id).first()
    return instance


def _contract_of(obj: models.Model) -> Any:
    if obj._meta.label_lower == "contracts.contract":
        return obj
    return getattr(obj, "contract", None)


def _is_published(procurement: Procurement) -> bool:
    return procurement.announced_at is not None or procurement.notice_published_on is not None


def on_audit_event(event: AuditEvent) -> Release | None:
    """Emit the release for a published change (subscribed per action in `TAG_BY_ACTION`).

    Changes to something not public (a draft procurement cancelled, a contract not yet signed)
    emit nothing.
    """
    tag = TAG_BY_ACTION.get(event.action)
    obj = _instance(event) if tag else None
    if tag is None or obj is None:
        return None
    if isinstance(obj, Order):
        return emit_order(obj, tag=tag, moment=event.occurred_at, event_seq=event.seq)
    if isinstance(obj, BiddingRound):
        return emit_round(obj, tag=tag, moment=event.occurred_at, event_seq=event.seq)
    if isinstance(obj, PurchasePlan):
        return emit_planning(obj, tag=tag, moment=event.occurred_at, event_seq=event.seq)
    procurement: Procurement | None
    if isinstance(obj, Procurement):
        procurement = obj
    else:
        contract = _contract_of(obj)
        if contract is None or contract.status not in builders.PUBLIC_CONTRACT_STATUSES:
            return None
        procurement = contract.procurement
    if procurement is None or not _is_published(procurement):
        return None
    return emit_procurement(procurement, tag=tag, moment=event.occurred_at, event_seq=event.seq)


def emit_planning(
    plan: PurchasePlan, *, tag: str, moment: datetime, event_seq: int | None = None
) -> Release | None:
    return release_append(
        ocid=builders.plan_ocid(plan),
        tag=tag,
        moment=moment,
        event_seq=event_seq,
        build=lambda release_id: builders.build_planning_release(
            plan, release_id=release_id, moment=moment, tag=tag
        ),
    )


def emit_order(order: Order, *, tag: str, moment: datetime, event_seq: int | None = None) -> Release | None:
    """Append an e-mall order's release: a 竞价 order's to its round's process; a direct purchase's
    when it is public (above the disclosure amount and confirmed); else nothing."""
    bidding_round = builders.round_of(order)
    if bidding_round is not None:
        return emit_round(bidding_round, tag=tag, moment=moment, event_seq=event_seq)
    if not builders.order_public(order):
        return None
    return release_append(
        ocid=builders.order_ocid(order),
        tag=tag,
        moment=moment,
        event_seq=event_seq,
        build=lambda release_id: builders.build_order_release(
            order, release_id=release_id, moment=moment, tag=tag
        ),
    )


def emit_round(
    bidding_round: BiddingRound, *, tag: str, moment: datetime, event_seq: int | None = None
) -> Release | None:
    """Append a 竞价 round's release once it is closed (awarded or failed); nothing before."""
    if not builders.round_public(bidding_round):
        return None
    return release_append(
        ocid=builders.round_ocid(bidding_round),
        tag=tag,
        moment=moment,
        event_seq=event_seq,
        build=lambda release_id: builders.build_round_release(
            bidding_round, release_id=release_id, moment=moment, tag=tag
        ),
    )


LINK_TAG = "planningUpdate"
"""Tag of the release that adds a later procurement to its plan's process (`relatedProcesses`):
the update is to what the plan led to (releaseTag: "details of a … planned contracting process
are being updated")."""


def emit_procurement(
    procurement: Procurement, *, tag: str, moment: datetime, event_seq: int | None = None
) -> Release | None:
    """Append the procurement's release; a later procurement of a plan (its own ocid) also gets a
    release of the plan's process that links it back, the first time it is published."""
    ocid = builders.procurement_ocid(procurement)
    release = release_append(
        ocid=ocid,
        tag=tag,
        moment=moment,
        event_seq=event_seq,
        build=lambda release_id: builders.build_procurement_release(
            procurement, release_id=release_id, moment=moment, tag=tag
        ),
    )
    plan_process = builders.plan_process(procurement.plan)
    if plan_process is not None and plan_process.pk != procurement.pk and not _links(plan_process, ocid):
        release_append(
            ocid=builders.plan_ocid(procurement.plan),
            tag=LINK_TAG,
            moment=moment,
            event_seq=event_seq,
            build=lambda release_id: builders.build_procurement_release(
                plan_process, release_id=release_id, moment=moment, tag=LINK_TAG
            ),
        )
    return release


def _links(plan_process: Procurement, ocid: str) -> bool:
    """Whether the record of the plan's process already links the process `ocid`."""
    record = Record.objects.filter(ocid=builders.procurement_ocid(plan_process)).values_list(
        "compiled", flat=True
    )
    compiled = json.loads(record.first() or "{}")
    return any(r.get("identifier") == ocid for r in compiled.get("relatedProcesses") or [])


def subscribe() -> None:
    """Register `on_audit_event` for every publishing action (called by `OpendataConfig.ready`, after
    every lifecycle app has declared its events)."""
    TAG_BY_ACTION.update({str(action): tag for action, tag in EMALL_TAGS.items()})
    TAG_BY_ACTION.update(events.ocds_tags())
    for action in TAG_BY_ACTION:
        audit.subscribe(action, _hook)


def _hook(event: AuditEvent) -> None:
    on_audit_event(event)


# --- backfill -----------------------------------------------------------------------------------


def _current_tag(procurement: Procurement) -> str:

    if Contract.objects.filter(
        procurement=procurement, status__in=builders.PUBLIC_CONTRACT_STATUSES
    ).exists():
        return "contract"
    status = procurement.status
    if status == "awarded":
        return "award"
    if ocds.tender_status(status) in ("cancelled", "unsuccessful"):
        return "tenderCancellation"
    if procurement.opened_at is not None:
        return "tenderUpdate"
    return "tender"


def releases_backfill(*, actor: SystemOrActor = None, rebuild: bool = False) -> dict[str, int]:
    """(Re)build releases for published data that has none (demo data, data from before the app).

    One release per contracting process from its current state, dated now and tagged with its
    most advanced stage; processes that already have releases are left alone unless `rebuild`
    (which adds a fresh snapshot release where the current mapping publishes something the last
    release did not — releases are never changed or deleted). Counts the releases written.
    `actor` must be an administrator (or None for the command line).
    """
    if actor is not None:
        require_role(actor, Role.ADMIN)
    counts = {"planning": 0, "procurements": 0, "emall": 0}
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=Event.OPENDATA_RELEASES_BACKFILLED,
            obj=("opendata.release", "backfill"),
            new={"rebuild": rebuild},
        )
        existing = (
            set(Release.objects.order_by().values_list("ocid", flat=True).distinct())
            if not rebuild
            else set()
        )
        now = clock.now()
        for intention in PurchaseIntention.objects.select_related("plan").order_by("pk"):
            # a plan whose procurement is published is that procurement's process: the
            # procurement's release (with the planning section) is written below
            if builders.plan_ocid(intention.plan) in existing or builders.plan_process(intention.plan):
                continue
            if emit_planning(intention.plan, tag="planning", moment=now) is not None:
                counts["planning"] += 1
        published = Procurement.objects.filter(
            models.Q(announced_at__isnull=False) | models.Q(notice_published_on__isnull=False)
        ).order_by("pk")
        for procurement in published:
            if builders.procurement_ocid(procurement) in existing:
                continue
            if emit_procurement(procurement, tag=_current_tag(procurement), moment=now) is not None:
                counts["procurements"] += 1
        counts["emall"] = _backfill_emall(existing, now)
    return counts


def _backfill_emall(existing: set[str], now: datetime) -> int:
    """Closed 竞价 rounds and public direct-purchase orders without releases (see `releases_backfill`)."""
    written = 0
    for bidding_round in BiddingRound.objects.exclude(status="open").order_by("pk"):
        if builders.round_ocid(bidding_round) in existing:
            continue
        order = bidding_round.order
        if order is not None and order.status in ocds.ORDER_CONTRACT_STATUS:
            tag = "contract" if order.status == "confirmed" else "implementation"
        else:
            tag = "award" if bidding_round.status == "awarded" else "tenderCancellation"
        written += emit_round(bidding_round, tag=tag, moment=now) is not None
    orders = Order.objects.filter(kind=OrderKind.DIRECT, status__in=ocds.ORDER_CONTRACT_STATUS)
    for order in orders.order_by("pk"):
        if builders.order_ocid(order) in existing:
            continue
        tag = "contract" if order.status == "confirmed" else "implementation"
        written += emit_order(order, tag=tag, moment=now) is not None
    return written


# --- bulk exports -------------------------------------------------------------------------------


def export_job_create(*, actor: SystemOrActor, start: bool = True) -> ExportJob:
    """Queue a bulk export (administrators); a worker runs it as a task (`export_job_task`)."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
    with transaction.atomic():
        job = ExportJob.objects.create(created_by=actor if actor is not None else None)
        audit.record(actor=actor, action=Event.OPENDATA_EXPORT_STARTED, obj=job, new={"job": job.pk})
        if start:
            tasks.enqueue(export_job_task, job.pk)
    return job


@tasks.background(attempts=3, timeout=3600, backoff=60)
def export_job_task(job_id: int) -> str:
    """The bulk export as a task: runs the job unless it already finished (a retried or reclaimed
    task may find it done), and says how it ended."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return "skipped"
    return str(export_job_run(job_id).status)


def linked_release_url(base: str, ocid: str, release_id: str) -> str:
    return f"{base}/api/v1/opendata/releases/{ocid}#{release_id}"


def public_base_url() -> str:
    """The configured public address (``OPENGPS_PUBLIC_URL``), base of linked-release URLs."""
    return builders.public_base_url()


def record_lines(year: int, *, base: str, chunk: int = 2000) -> Iterator[str]:
    """JSON Lines of the year's records (linked releases + cached compiled release), streamed.

    Two ordered streams (records by ocid, releases by ocid and position) are merge-joined, so
    memory holds one record at a time whatever the number of records.
    """
    records = (
        Record.objects.filter(year=year)
        .order_by("ocid")
        .values_list("ocid", "compiled")
        .iterator(chunk_size=chunk)
    )
    releases = (
        Release.objects.filter(ocid__in=Record.objects.filter(year=year).values("ocid"))
        .order_by("ocid", "position")
        .values_list("ocid", "release_id", "date", "tag")
        .iterator(chunk_size=chunk)
    )
    pending = next(releases, None)
    for ocid, compiled in records:
        linked = []
        # Both streams come in the database's ocid order (same collation), and every release
        # belongs to a record of the year: equality is the only comparison needed.
        while pending is not None and pending[0] == ocid:
            linked.append(
                {
                    "url": linked_release_url(base, ocid, pending[1]),
                    "date": ocds.date_text(pending[2]),
                    "tag": [pending[3]],
                }
            )
            pending = next(releases, None)
        yield f'{{"ocid":{ocds.dumps(ocid)},"releases":{ocds.dumps(linked)},"compiledRelease":{compiled}}}\n'


def release_lines(year: int, *, chunk: int = 2000) -> Iterator[str]:
    """JSON Lines of the year's releases (stored text, not re-encoded), streamed."""
    rows = (
        Release.objects.filter(ocid__in=Record.objects.filter(year=year).values("ocid"))
        .order_by("ocid", "position")
        .values_list("payload", flat=True)
        .iterator(chunk_size=chunk)
    )
    for payload in rows:
        yield payload + "\n"


METADATA_NAME = "metadata.json"
"""The package metadata of a yearly zip: wrap any line of its JSON Lines files in it (``releases``
or ``records``: [line]) to get a valid OCDS release or record package."""


def export_metadata(year: int, *, base: str) -> dict[str, Any]:
    """Publisher, licence, version, extensions and date of one year's bulk files."""
    return selectors.package_header(uri=f"{base}/api/v1/opendata/downloads/{year}.zip", published=None)


def export_year(
    year: int, path: Path, *, base: str, on_record: Callable[[], None] | None = None
) -> dict[str, Any]:
    """Write one year's zip (metadata.json, records.jsonl, releases.jsonl), streamed to disk."""
    records = releases = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr(METADATA_NAME, json.dumps(export_metadata(year, base=base), ensure_ascii=False))
        with archive.open("records.jsonl", "w", force_zip64=True) as out:
            for line in record_lines(year, base=base):
                out.write(line.encode("utf-8"))
                records += 1
                if on_record:
                    on_record()
        with archive.open("releases.jsonl", "w", force_zip64=True) as out:
            for line in release_lines(year):
                out.write(line.encode("utf-8"))
                releases += 1
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {
        "year": year,
        "name": path.name,
        "records": records,
        "releases": releases,
        "size": path.stat().st_size,
        "sha256": digest.hexdigest(),
    }


def export_store(job: ExportJob, path: Path) -> str:
    """Keep a finished zip in the "exports" storage under its job's name, replacing what a failed
    earlier attempt of the same job may have left there."""
    storage = exports_storage()
    name = selectors.export_name(job, path.name)
    if storage.exists(name):
        storage.delete(name)
    with path.open("rb") as handle:
        stored = storage.save(name, File(handle, name=path.name))
    if stored != name:  # another writer took the name meanwhile: fail the job rather than mislabel
        raise RuntimeError(f"the bulk file was stored as {stored}, not {name}")
    return stored


def export_job_run(job_id: int, *, on_progress: Callable[[ExportJob], None] | None = None) -> ExportJob:
    """Export every year; the job row shows progress (records written / total) throughout."""
    job = ExportJob.objects.get(pk=job_id)
    job.status, job.total = ExportJob.Status.RUNNING, Record.objects.count()
    job.save(update_fields=["status", "total"])
    base = public_base_url()
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if done % 500 == 0 or done == job.total:
            ExportJob.objects.filter(pk=job.pk).update(processed=done)
            job.processed = done
            if on_progress:
                on_progress(job)

    try:
        years = list(Record.objects.order_by("year").values_list("year", flat=True).distinct())
        files = []
        # Each zip is built in a scratch folder of the worker's temporary directory (removed as
        # soon as it is stored) and kept in the "exports" storage, so any node can serve it.
        with tempfile.TemporaryDirectory(prefix="opengps-export-") as scratch:
            for year in years:
                path = Path(scratch) / f"ocds-{year}.zip"
                files.append(export_year(year, path, base=base, on_record=tick))
                export_store(job, path)
                path.unlink()
        job.files, job.processed, job.status = files, done, ExportJob.Status.SUCCEEDED
    except Exception as exc:  # the job must end visibly, whatever went wrong
        logger.exception("open data export job %s failed", job.pk)
        job.status, job.error = ExportJob.Status.FAILED, str(_("导出失败：%(error)s") % {"error": exc})
    job.finished_at = clock.now()
    job.save(update_fields=["status", "files", "processed", "error", "finished_at"])
    if on_progress:
        on_progress(job)
    return job
