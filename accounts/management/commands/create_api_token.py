"""Create an API token for an account and print it — only it, once — on standard output, so
that a script can capture it: ``TOKEN=$(python manage.py create_api_token …)``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.api_tokens import EXPIRES_DAYS_MAX, EXPIRES_DAYS_RANGE, api_token_create
from accounts.models import Scope, User

UNKNOWN_ACCOUNT = "No account has the e-mail address {email}."


class Command(BaseCommand):
    help = (
        "Create an API token for the account with this e-mail address and print the token "
        "(and nothing else) once: it is stored only as a hash and can't be shown again. The "
        "token acts as that account, within the scopes given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", required=True, help="The account's e-mail address.")
        parser.add_argument(
            "--name", required=True, help="What the token is for, e.g. the system using it."
        )
        parser.add_argument(
            "--scopes",
            required=True,
            help=f"Comma-separated, among: {', '.join(Scope.values)}.",
        )
        parser.add_argument(
            "--expires-days",
            default=None,
            help=f"Days until the token expires, 1 to {EXPIRES_DAYS_MAX} (default: never).",
        )

    def handle(
        self, *args: Any, account: str, name: str, scopes: str, expires_days: str | None, **o: Any
    ) -> None:
        user = User.objects.filter(email__iexact=account.strip()).first()
        if user is None:
            raise CommandError(UNKNOWN_ACCOUNT.format(email=account.strip()))
        days: int | None = None
        if expires_days is not None:
            try:
                days = int(expires_days)
            except ValueError:
                raise CommandError(str(EXPIRES_DAYS_RANGE % {"max": EXPIRES_DAYS_MAX})) from None
        codes = [code.strip() for code in scopes.split(",") if code.strip()]
        try:
            _token, raw = api_token_create(
                account=user, name=name, scopes=codes, expires_days=days, actor=None
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(raw)
