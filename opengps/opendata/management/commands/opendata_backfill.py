"""`manage.py opendata_backfill [--rebuild | --verify]`: build releases for published data that has none."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opengps.opendata import services


class Command(BaseCommand):
    help = "为尚无 OCDS 发布的已公开采购意向和采购项目生成发布（按当前状态，每个项目一条）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="已有发布的项目：当前状态与最近一条发布不同时追加一条（如映射规则更新后）",
        )
        parser.add_argument("--verify", action="store_true", help="只核对记录缓存与重新汇编的结果是否一致")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify"]:
            differing = services.records_verify()
            for ocid in differing:
                self.stderr.write(f"汇编发布不一致：{ocid}")
            if differing:
                raise CommandError(f"{len(differing)} 条记录的汇编发布与重新汇编结果不一致")
            self.stdout.write("全部记录的汇编发布与重新汇编结果一致")
            return
        counts = services.releases_backfill(actor=None, rebuild=options["rebuild"])
        self.stdout.write(
            f"采购意向 {counts['planning']} 条，采购项目 {counts['procurements']} 条，"
            f"电子卖场订单 {counts['emall']} 条发布已生成"
        )
