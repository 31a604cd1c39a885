from django.core.management.base import BaseCommand
from django.utils import timezone

from benefits.demo import DEFAULT_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo organizations, accounts, benefits, keys and subscriptions (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--password",
            default=None,
            help=f"Password of every demo account (default {DEFAULT_PASSWORD!r}). Given "
            "explicitly, it is also set on demo accounts that already exist.",
        )

    def handle(self, *args, password: str | None, **options) -> None:
        accounts = seed_demo(
            today=timezone.localdate(),
            password=password or DEFAULT_PASSWORD,
            reset_passwords=password is not None,
        )
        # A password of your own is not repeated into logs; the documented default is.
        shown = "(the one you gave)" if password else DEFAULT_PASSWORD
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Sign in with any of these accounts:")
        )
        for user in accounts:
            roles = ", ".join(user.get_roles_display()) or ("staff" if user.is_staff else "no role")
            self.stdout.write(f"  {user.email:<34} {roles}")
        self.stdout.write(f"  password: {shown}")
