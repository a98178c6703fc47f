"""`opengps demo`: load the Hunan demo data set (idempotent) and print a login for every role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from opengps.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load demo data (regions, units, a user for every role, ~300 social organizations) and print logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organizations", type=int, default=300, help="number of demo organizations (default 300)"
        )
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_demo(organizations=options["organizations"])
        for warning in summary.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪 / demo data ready: {summary.describe()}"))
        self.stdout.write(f"所有演示账户的密码 / password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(
            self.style.WARNING(
                "该密码是公开的：演示账户不适合录入真实数据；登录页和顶栏会标明演示账户。"
                " / This password is public: never put real data in a demo account; the login page"
                " and the top bar mark demo accounts."
            )
        )
        width = max(len(login.username) for login in summary.logins)
        for login in summary.logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role_label}  {login.where}")
        for note in summary.notes:
            self.stdout.write(note)
