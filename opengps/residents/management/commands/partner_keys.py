"""`manage.py partner_keys create|revoke|list`: platform administrators manage partner API keys
through the audited services; `create` prints the secret once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opengps.accounts.models import User
from opengps.core.errors import ServiceError
from opengps.residents import services
from opengps.residents.models import PartnerKey, PartnerScope


class Command(BaseCommand):
    help = (
        "Partner API keys for the residents' finder and feedback. "
        "`partner_keys create --by ADMIN --partner 湘易办 --scope finder --scope feedback --rate 120`; "
        "`partner_keys revoke --by ADMIN PREFIX [--reason …]`; `partner_keys list`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key; its secret is printed once")
        create.add_argument("--by", required=True, help="username of the platform administrator")
        create.add_argument("--partner", required=True, help="partner app, e.g. 湘易办")
        create.add_argument(
            "--scope", action="append", required=True, choices=PartnerScope.values, help="repeat for each"
        )
        create.add_argument("--rate", type=int, default=60, help="calls per minute (default 60)")
        revoke = sub.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("--by", required=True, help="username of the platform administrator")
        revoke.add_argument("prefix", help="the key's prefix, e.g. ogp_Ab3dE6fG")
        revoke.add_argument("--reason", default="")
        sub.add_parser("list", help="list the keys (never their secrets)")

    def _actor(self, username: str) -> User:
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"no user {username!r}")
        return actor

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                issued = services.partner_key_create(
                    actor=self._actor(options["by"]),
                    partner=options["partner"],
                    scopes=options["scope"],
                    rate_per_minute=options["rate"],
                )
                self.stdout.write(f"{issued.key.partner}  {issued.key.prefix}  {','.join(issued.key.scopes)}")
                self.stdout.write(f"secret (shown once, keep it safe): {issued.secret}")
            elif action == "revoke":
                key = PartnerKey.objects.filter(prefix=options["prefix"]).first()
                if key is None:
                    raise CommandError(f"no key {options['prefix']!r}")
                services.partner_key_revoke(
                    actor=self._actor(options["by"]), key=key, reason=options["reason"]
                )
                self.stdout.write(f"revoked {key.prefix}")
            else:
                for key in PartnerKey.objects.all():
                    state = "active" if key.active else "revoked"
                    scopes, rate = ",".join(key.scopes), key.rate_per_minute
                    self.stdout.write(f"{key.prefix}  {key.partner}  {scopes}  {rate}/m  {state}")
        except ServiceError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
