"""What each account wants to be told, and what it has been told or has read already.

A notice is identified by its kind, the object it is about (a benefit or a subscription), the
date it announces and its threshold (days before that date): the same benefit is announced at
30 days and again at 7, each once — and again if its date moves (a subscription extended by a
key, a benefit renewed), since the new date is news.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CodeListValidator, OutgoingMail


class NoticeKind(models.TextChoices):
    """The kinds a digest groups (SPEC 10); their rules are in notifications/due.py."""

    BENEFIT_EXPIRING = "benefit_expiring", _("Benefit expiring")
    KEYS_UNREDEEMED = "keys_unredeemed", _("Keys left unredeemed")
    SUBSCRIPTION_ENDING = "subscription_ending", _("Subscription ending")
    CREDIT_SEATS_FREE = "credit_seats_free", _("Credit seats free")


class NotificationPreferences(models.Model):
    """An account's choices; an account without a row gets every kind (SPEC 10)."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preferences",
        verbose_name=_("account"),
    )
    muted = models.JSONField(
        _("kinds turned off"),
        default=list,
        blank=True,
        validators=[CodeListValidator(NoticeKind.values)],
    )

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.account)


class NoticeLogEntry(models.Model):
    """Fields shared by the sent-log and the read marks: one notice for one account."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NoticeKind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    ends_on = models.DateField(_("ends on"))
    threshold = models.PositiveSmallIntegerField(_("threshold (days)"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} at {self.threshold} days before {self.ends_on}"


class NoticeSent(NoticeLogEntry):
    """The sent-log: a notice announced to an account in a digest. Unique, so a second run of
    the daily job (or two at once) announces nothing twice. Its mail may still be waiting in
    the outbox; once the outbox gives that mail up, the notice is due again (digests.py)."""

    mail = models.ForeignKey(
        OutgoingMail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    digest_date = models.DateField(_("digest of"))

    class Meta:
        verbose_name = _("notice sent")
        verbose_name_plural = _("notices sent")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "object_id", "ends_on", "threshold"],
                name="notice_sent_once",
            )
        ]


class NoticeRead(NoticeLogEntry):
    """A notice the account has seen on /notifications/ (the top bar counts the others)."""

    read_at = models.DateTimeField(_("read"), default=timezone.now)

    class Meta:
        verbose_name = _("notice read")
        verbose_name_plural = _("notices read")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "object_id", "ends_on", "threshold"],
                name="notice_read_once",
            )
        ]
