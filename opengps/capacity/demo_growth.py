"""Capacity demo data, second part, built through the real services after the stations, workers,
bases and filings of `opengps.capacity.demo`: one or two service points (社工室) in villages and
communities under the first stations, two trainings a year for the last two years by each base and
by the department with the workers of their region attending, a 典型经验交流推介会 a year, and small
fundings, awards and activities of the filed community organizations. Every date is derived from
today and lies in the past, so the set loads the same on any day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from opengps.accounts import scopes
from opengps.accounts.models import Region, User
from opengps.capacity import services
from opengps.capacity.models import (
    ActivityKind,
    Attendance,
    CommunityFiling,
    FilingActivity,
    FilingSupport,
    IncubationBase,
    ServicePoint,
    Showcase,
    ShowcaseEvent,
    SocialWorker,
    Station,
    Training,
)

VILLAGES = ("社区", "村")
TOPICS = ("社会工作实务与伦理", "个案管理与督导", "社区治理与三社联动", "儿童关爱服务")


def _points(actor: User, stations: list[Station], today: date) -> None:
    """Two points under each of the first six stations, one under the next six."""
    for n, station in enumerate(stations[:12]):
        for k in range(2 if n < 6 else 1):
            name = (
                f"{station.township.name.removesuffix('街道').removesuffix('镇')}第{k + 1}{VILLAGES[n % 2]}"
            )
            services.point_open(
                actor=actor,
                station=station,
                village_code=f"{station.township_id}{201 + k:03d}",
                village_name=name,
                opened_on=min(station.opened_on + timedelta(days=30 + 60 * k), today),
                address=f"{name}党群服务中心",
                opening_hours="周二、周四 9:00-17:00",
                contact="值班社工",
                phone=f"0731-86{n:04d}{k:02d}",
            )


def _trainings(actor: User, today: date) -> None:
    """For each of the last two years: per base a two-day training in May and a one-day one in
    November; workers of the training's region attend (every third only half of the first)."""
    hosts: list[tuple[Region, IncubationBase | None]] = [
        (base.region, base) for base in IncubationBase.objects.select_related("region").order_by("pk")
    ]
    hosts.append((Region.objects.get(pk="430104"), None))  # the district's civil-affairs bureau
    for years_ago in (2, 1):
        year = today.year - years_ago
        for n, (region, base) in enumerate(hosts):
            prefix = scopes.region_prefix(region.code)
            workers = list(SocialWorker.objects.filter(region__code__startswith=prefix).order_by("pk"))
            for starts, days, hours in ((date(year, 5, 10 + n), 2, "16"), (date(year, 11, 3 + n), 1, "6")):
                training = services.training_create(
                    actor=actor,
                    title=f"{year}年{TOPICS[(n + starts.month) % len(TOPICS)]}培训",
                    region=region,
                    base=base,
                    starts_on=starts,
                    ends_on=starts + timedelta(days=days - 1),
                    hours=hours,
                    venue=base.name if base else "岳麓区民政局会议室",
                )
                for k, worker in enumerate(workers[n % 3 :: 3]):
                    part = starts.month == 5 and k % 3 == 0
                    services.attendance_record(
                        actor=actor, training=training, worker=worker, hours="8" if part else None
                    )


def _events(actor: User, filings: list[CommunityFiling], today: date) -> None:
    """One 推介会 a year (last two years) by the province's base, showcasing two operators and three
    filed organizations."""
    base = IncubationBase.objects.filter(region_id="430000").order_by("pk").first()
    stations = list(Station.objects.select_related("operator").order_by("pk"))
    for years_ago in (2, 1):
        year = today.year - years_ago
        event = services.event_create(
            actor=actor,
            title=f"{year}年社会组织典型经验交流推介会",
            region=Region.objects.get(pk="430000"),
            base=base,
            held_on=date(year, 9, 20),
            venue=base.name if base else "",
            notes="交流社工站运营和社区社会组织培育的典型经验",
        )
        operators = list(dict.fromkeys(s.operator for s in stations))[years_ago - 1 :: 2][:2]
        for operator in operators:
            services.showcase_add(
                actor=actor, event=event, experience="乡镇社工站运营", organization=operator
            )
        for filing in filings[3 * years_ago : 3 * years_ago + 3]:
            if filing.filed_on <= event.held_on:
                services.showcase_add(
                    actor=actor, event=event, experience="居民议事与邻里互助", filing=filing
                )


def _supports(actor: User, filings: list[CommunityFiling], today: date) -> None:
    """A funding for the first twelve filings, an award for every fourth, activities for twenty."""
    year = today.year - 1
    kinds = list(ActivityKind)
    for n, filing in enumerate(filings):
        if n < 12:
            services.support_decide(
                actor=actor,
                filing=filing,
                kind="funding",
                amount=f"{3000 + 500 * (n % 5)}",
                purpose="活动场地和小额项目经费",
                decision=f"民社〔{year}〕{n + 1}号",
                decided_on=date(year, 4, 1 + n),
            )
        if n % 4 == 0:
            services.support_decide(
                actor=actor,
                filing=filing,
                kind="award",
                amount="2000",
                purpose="优秀社区社会组织",
                decision=f"民社奖〔{year}〕{n // 4 + 1}号",
                decided_on=date(year, 12, 20),
            )
        if n < 20:
            for k in range(3):
                services.activity_log(
                    actor=actor,
                    filing=filing,
                    kind=kinds[(n + k) % len(kinds)],
                    title=f"{kinds[(n + k) % len(kinds)].label}活动",
                    held_on=date(year, 3 + 3 * k, 1 + n % 28),
                    participants=10 + (n * 7 + k * 5) % 40,
                )


def load(actor: User, stations: list[Station], filings: list[CommunityFiling], today: date) -> None:
    """Add the second part of the set (called once, by `opengps.capacity.demo.load`)."""
    _points(actor, stations, today)
    _trainings(actor, today)
    _events(actor, filings, today)
    _supports(actor, filings, today)


def count(context: Any) -> None:
    """The second part's figures, read back from the database."""
    context.counts["service_points"] = ServicePoint.objects.count()
    context.counts["trainings"] = Training.objects.count()
    context.counts["training_attendances"] = Attendance.objects.count()
    context.counts["showcase_events"] = ShowcaseEvent.objects.count()
    context.counts["showcases"] = Showcase.objects.count()
    context.counts["community_supports"] = FilingSupport.objects.count()
    context.counts["community_activities"] = FilingActivity.objects.count()
