"""Removes what the portal no longer needs: expired sessions and old sign-in records. Safe to
run at any time and as often as wanted (every night from cron, for instance)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from common.import_storage import remove_stale_uploads


class Command(BaseCommand):
    help = (
        "Remove expired sessions, sign-in attempts past their cool-off and sign-in logs older "
        "than --log-days (30), and files uploaded to an admin import and never confirmed once "
        "an hour old. Wizard states need nothing: those in the cache expire by themselves, "
        "those in a session go with it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--log-days",
            type=int,
            default=30,
            help="Keep sign-in logs (successes and failures) this many days (default: 30).",
        )

    def handle(self, *args: Any, log_days: int, **options: Any) -> None:
        if log_days < 1:
            self.stderr.write("--log-days must be at least 1.")
            raise SystemExit(2)
        self.stdout.write(f"Expired sessions removed: {self._expired_sessions()}")
        # The sign-in records live in the database whatever handler axes is given.
        axes = AxesDatabaseHandler()
        attempts = self._expired_attempts()
        self.stdout.write(f"Sign-in attempts past the cool-off removed: {attempts}")
        logs = axes.reset_logs(age_days=log_days)
        self.stdout.write(f"Sign-in logs older than {log_days} days removed: {logs}")
        failures = axes.reset_failure_logs(age_days=log_days)
        self.stdout.write(f"Sign-in failure logs older than {log_days} days removed: {failures}")
        # benefits.wizard.state: a state in the cache has a timeout; one in a session is a
        # key of that session's row, deleted above with it.
        self.stdout.write(
            "Wizard states: nothing to remove (in the cache they expire by themselves; "
            "in a session they went with it)."
        )
        # An import's dry run nobody confirmed left its file (full product keys) behind.
        self.stdout.write(f"Unconfirmed import files removed: {remove_stale_uploads()}")

    def _expired_attempts(self) -> int:
        """axes' own rule (clean_expired_user_attempts, which wants a request): an attempt's
        time is its last failure, and the lock it counts toward ends a cool-off later."""
        cool_off = get_cool_off()
        if cool_off is None:  # locks never end by themselves: nothing has expired
            return 0
        count, _by_model = AccessAttempt.objects.filter(
            attempt_time__lte=timezone.now() - cool_off
        ).delete()
        return count

    def _expired_sessions(self) -> int | str:
        """Django's clearsessions, counting what it removes when the sessions are rows."""
        store = import_module(settings.SESSION_ENGINE).SessionStore
        if not issubclass(store, DatabaseSessionStore):
            store.clear_expired()
            return "done (the engine does not count)"
        # Their copies in the cache (common.sessions) expire by themselves.
        expired = store.get_model_class().objects.filter(expire_date__lt=timezone.now())
        count, _by_model = expired.delete()
        return count
