"""The daily digest (SPEC 10): one mail per account, grouping what is due for its organization.

Each notice is announced to an account once per threshold: the sent-log (``NoticeSent``, unique
on account, kind, object and threshold) is written in the transaction that writes the digest to
the outbox, so a second run of the day — or a run at the same time on another worker — finds it
told already and sends nothing. When two runs race, the unique constraint decides: the second's
insert fails, it rolls back and looks again once, then finds nothing left to tell.

An item stays due until its mail is accepted: a sent-log row whose mail the outbox gave up
(``OutgoingMail.given_up_at``: the last retry failed) does not count — it is deleted and the
notice announced again in the next digest.

Only active accounts of the organization with a benefits role (``BENEFITS_ROLES``) get a
digest, each without the kinds it turned off, in its language, at most one a day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import npgettext_lazy

from accounts.mail import (
    Delivery,
    absolute_url,
    deliver_all,
    queue_messages,
    recipient_language,
    render_mail,
)
from accounts.models import Organization, User
from benefits.notifications.due import Notice, notices_due
from benefits.notifications.models import NoticeKind, NoticeSent
from benefits.notifications.unsubscribe import unsubscribe_token

TEMPLATE = "digest"


def _heading(kind: NoticeKind, count: int) -> str | Promise:
    """A kind's heading over its items: plural over several benefits or subscriptions (the
    other kinds' labels read right over one item or many)."""
    if kind == NoticeKind.BENEFIT_EXPIRING:
        return npgettext_lazy("digest heading", "Benefit expiring", "Benefits expiring", count)
    if kind == NoticeKind.SUBSCRIPTION_ENDING:
        return npgettext_lazy(
            "digest heading", "Subscription ending", "Subscriptions ending", count
        )
    return kind.label


@dataclass
class DigestRun:
    """What one run for one organization announced: ``counts`` per kind (notices told to at
    least one account), ``mail_ids`` the outbox rows of the digests (one per account)."""

    organization_id: int
    today: date
    counts: Counter[str] = field(default_factory=Counter)
    mail_ids: list[int] = field(default_factory=list)
    # Digests of earlier runs still in the outbox, neither sent nor given up (a worker that
    # died between writing and delivering them): the caller delivers them with today's.
    waiting_mail_ids: list[int] = field(default_factory=list)


@dataclass
class _SentLog:
    """The sent-log rows that matter today for the recipients."""

    told: set[tuple]  # (account id, *Notice.identity)
    told_today: set[int]  # accounts that already got today's digest
    given_up: list[int]  # rows whose mail was given up: to delete, and tell again
    waiting: set[int]  # their mails not sent yet, nor given up


def send_organization_digests(
    *, organization_id: int, today: date, enqueue: bool = True
) -> DigestRun:
    """Write today's digest of the organization ``organization_id`` to the outbox for each
    recipient that has something not yet told, with its sent-log rows, in one transaction; the
    mails are handed to the workers once it commits (``enqueue=False``: left in the outbox for
    the caller to deliver). Idempotent: a second run of the day writes nothing. The number of
    queries does not depend on the number of benefits, notices or recipients."""
    run = DigestRun(organization_id=organization_id, today=today)
    # The offers' names are read untranslated: each digest translates them in its reader's
    # language.
    with translation.override(None):
        notices = notices_due(organization_id=organization_id, today=today)
    if not notices:
        return run
    recipients = _recipients(organization_id)
    if not recipients:
        return run
    try:
        return _announce(run, notices, recipients, enqueue=enqueue)
    except IntegrityError:
        # Another run told some of these notices in the meantime: its sent-log rows are
        # committed now, so this second look finds them.
        return _announce(
            DigestRun(organization_id=organization_id, today=today),
            notices,
            recipients,
            enqueue=enqueue,
        )


def organization_digests_deliver(
    *, organization_id: int, today: date
) -> tuple[DigestRun, Delivery]:
    """The day's digests of one organization written to the outbox (``send_organization_digests``)
    and delivered at once over one connection to the mail server, with any an earlier run left
    undelivered (a worker that died between the two steps). What the mail server refused is
    returned for the caller to retry or give up."""
    run = send_organization_digests(organization_id=organization_id, today=today, enqueue=False)
    return run, deliver_all(mail_ids=[*run.waiting_mail_ids, *run.mail_ids])


def _recipients(organization_id: int) -> list[User]:
    """The organization's active accounts with a benefits role, their preferences and
    organization read with them (one query)."""
    accounts = (
        User.objects.filter(organization_id=organization_id, is_active=True)
        .select_related("notification_preferences", "organization")
        .order_by("pk")
    )
    return [account for account in accounts if account.has_benefits_access]


def _muted(account: User) -> set[str]:
    try:
        return set(account.notification_preferences.muted)
    except User.notification_preferences.RelatedObjectDoesNotExist:
        return set()  # no row: every kind on


def _sent_log(recipients: Sequence[User], notices: Sequence[Notice], today: date) -> _SentLog:
    """The recipients' sent-log rows about today's notices or written today (one query)."""
    rows = NoticeSent.objects.filter(
        Q(object_id__in={notice.object_id for notice in notices}) | Q(digest_date=today),
        account_id__in=[account.pk for account in recipients],
    ).values_list(
        "pk",
        "account_id",
        "kind",
        "object_id",
        "ends_on",
        "threshold",
        "digest_date",
        "mail_id",
        "mail__sent_at",
        "mail__given_up_at",
    )
    log = _SentLog(told=set(), told_today=set(), given_up=[], waiting=set())
    for row in rows:
        pk, account_id, kind, object_id, ends_on, threshold, digest_date = row[:7]
        mail_id, sent_at, given_up_at = row[7:]
        if given_up_at is not None:
            log.given_up.append(pk)
            continue
        if mail_id is not None and sent_at is None:
            log.waiting.add(mail_id)
        log.told.add((account_id, kind, object_id, ends_on, threshold))
        if digest_date == today:
            log.told_today.add(account_id)
    return log


def _announce(
    run: DigestRun, notices: Sequence[Notice], recipients: Sequence[User], *, enqueue: bool
) -> DigestRun:
    log = _sent_log(recipients, notices, run.today)
    plan: dict[User, list[Notice]] = {}
    for account in recipients:
        if account.pk in log.told_today:
            continue  # at most one digest a day; the rest tomorrow
        muted = _muted(account)
        untold = [
            notice
            for notice in notices
            if notice.kind not in muted and (account.pk, *notice.identity) not in log.told
        ]
        if untold:
            plan[account] = untold
    run.waiting_mail_ids = sorted(log.waiting)
    if not plan and not log.given_up:
        return run
    messages = _digests(plan, run.today)
    told: set[tuple] = set()
    with transaction.atomic():
        if log.given_up:
            NoticeSent.objects.filter(pk__in=log.given_up).delete()
        rows = queue_messages(messages, template=TEMPLATE, enqueue=enqueue)
        sent_log = []
        for (account, untold), outgoing in zip(plan.items(), rows, strict=True):
            for notice in untold:
                kind, object_id, ends_on, threshold = notice.identity
                sent_log.append(
                    NoticeSent(
                        account=account,
                        kind=kind,
                        object_id=object_id,
                        ends_on=ends_on,
                        threshold=threshold,
                        mail=outgoing,
                        digest_date=run.today,
                    )
                )
                told.add(notice.identity)
        # No ignore_conflicts: a row another run wrote meanwhile must fail this transaction.
        NoticeSent.objects.bulk_create(sent_log)
    run.mail_ids = [outgoing.pk for outgoing in rows]
    run.counts = Counter(kind for kind, *_rest in told)
    return run


# Each account's digest differs from its colleagues' only by its unsubscribe link (when they
# share a language and have the same notices untold): it is rendered once with this in place of
# the link's token, which each copy then replaces. Rendering was most of a digest's cost.
_UNSUBSCRIBE_STAND_IN = "unsubscribe-token-stand-in"


def _digests(plan: dict[User, list[Notice]], today: date) -> list[EmailMultiAlternatives]:
    """The digest of each account of ``plan`` about its notices, in the plan's order."""
    rendered: dict[tuple, EmailMultiAlternatives] = {}
    messages = []
    for account, notices in plan.items():
        language = recipient_language(account.language)
        shared = (language, tuple(notice.identity for notice in notices))
        if shared not in rendered:
            rendered[shared] = render_mail(
                template=TEMPLATE,
                context=_context(account.organization, notices, today),
                language=language,
                to=account.email,
            )
        messages.append(_addressed(rendered[shared], account))
    return messages


def _addressed(digest: EmailMultiAlternatives, account: User) -> EmailMultiAlternatives:
    """The rendered ``digest`` for ``account``: its address and its own unsubscribe link."""
    token = unsubscribe_token(account_id=account.pk)
    [(html, mimetype)] = digest.alternatives
    message = EmailMultiAlternatives(
        digest.subject,
        digest.body.replace(_UNSUBSCRIBE_STAND_IN, token),
        digest.from_email,
        to=[account.email],
        headers={
            # RFC 8058: mail programs offer a one-click unsubscribe that POSTs to this address.
            "List-Unsubscribe": f"<{_unsubscribe_url(token)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(str(html).replace(_UNSUBSCRIBE_STAND_IN, token), mimetype)
    return message


def _unsubscribe_url(token: str) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[token]))


def _context(organization: Organization | None, notices: Sequence[Notice], today: date) -> dict:
    """What the digest templates show: ``notices`` grouped by kind in the kinds' order."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for notice in notices:
        by_kind[notice.kind].append(
            {
                "notice": notice,
                "url": absolute_url(notice.path),
                "days_left": (notice.ends_on - today).days,
            }
        )
    return {
        "organization": organization.name if organization else "",
        "today": today,
        "total": len(notices),
        "groups": [
            {
                "kind": kind.value,
                "label": _heading(kind, len(by_kind[kind.value])),
                "items": by_kind[kind.value],
            }
            for kind in NoticeKind
            if by_kind.get(kind.value)
        ],
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "unsubscribe_url": _unsubscribe_url(_UNSUBSCRIBE_STAND_IN),
    }
