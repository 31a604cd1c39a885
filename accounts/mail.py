"""Mail to people, in their language, sent only once the change that causes it is committed.

Every mail is three templates under ``templates/mail/``: ``<name>_subject.txt`` (one line),
``<name>.txt`` (the plain text, extending ``mail/_base.txt``) and ``<name>.html`` (the HTML
alternative, extending ``mail/_base.html``), rendered in the recipient's language. Each gets
``portal_url`` (the portal's home page, absolute) besides its own context; links inside a mail
are built with ``absolute_url``, since a mail is read outside any request.

``send_mail`` renders the mail at once and writes it to the outbox (accounts.models.OutgoingMail)
in the transaction of the change; once that commits, a Celery worker delivers it
(accounts.tasks.deliver_mail). A rolled-back change leaves no row and sends nothing; nothing in
the request talks to the mail server, so a mail server that refuses or is down never turns a
committed change into an error page. A worker retries a refused mail with growing delays, and a
worker that dies mid-delivery neither loses the mail (tasks are acknowledged late) nor sends it
twice (``sent_at`` is written in the transaction that holds the row's lock, right after the
server accepted it).

A mail whose last retry failed is given up (``given_up_at``): nothing tries it again by itself,
and a digest's notices it carried become due again. A mail that no worker touched for an hour
(its task lost with a broker's restart) is handed to a worker again by
``accounts.tasks.retry_unsent_mail``. Mails carry extra headers if asked (``headers=``), kept
in the outbox with them.

Without a task broker (``make run``, the tests) the task runs in the process right after the
commit, once: a refusal is logged and the mail stays unsent in the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import OutgoingMail

logger = logging.getLogger(__name__)


def recipient_language(language: str | None) -> str:
    """The account's chosen language (``User.language``), else the portal's default. Callers
    pass the account's language: the mail is for the recipient. Only for an account that chose
    none may they pass the language of the request that asked for the mail (accounts/adapter.py)."""
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE


def portal_base_url() -> str:
    """PORTAL_BASE_URL; unset in production, the first concrete allowed host over HTTPS (the
    deployment check warns about it)."""
    if settings.PORTAL_BASE_URL:
        return str(settings.PORTAL_BASE_URL)
    hosts = [host for host in settings.ALLOWED_HOSTS if host and host[0] not in ".*"]
    return f"https://{hosts[0]}" if hosts else "http://localhost"


def absolute_url(path: str) -> str:
    """The address of ``path`` ("/accounts/login/", a ``reverse()`` result) at the portal's
    public address, for a link in a mail."""
    if not path.startswith("/"):
        raise ValueError(f"absolute_url takes a path starting with '/', not {path!r}")
    return portal_base_url() + path


def _render(name: str, context: Mapping[str, Any], *, autoescape: bool) -> str:
    # Plain text and subjects are not HTML: "O'Brien & Co" must stay as typed, not escaped.
    template = get_template(name).template  # type: ignore[attr-defined]
    return str(template.render(Context(dict(context), autoescape=autoescape)))


def render_mail(
    *,
    template: str,
    context: Mapping[str, Any],
    language: str | None,
    to: str,
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """The message ``template`` renders for ``to`` in ``language`` (not sent)."""
    full = {"portal_url": absolute_url(reverse("home")), **context}
    with translation.override(recipient_language(language)):
        subject = " ".join(_render(f"mail/{template}_subject.txt", full, autoescape=False).split())
        text = _render(f"mail/{template}.txt", full, autoescape=False)
        html = _render(f"mail/{template}.html", full, autoescape=True)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, to=[to], headers=dict(headers or {})
    )
    message.attach_alternative(html, "text/html")
    return message


class MailNotDelivered(Exception):
    """The mail server refused a mail or could not be reached. Its only argument is the error's
    kind ("SMTPDataError"): a server's answer may name the recipient, and this exception is what
    the worker's log and the retries show."""


def send_mail(
    *,
    template: str,
    context: Mapping[str, Any],
    language: str | None,
    to: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Send ``template`` to ``to`` in ``language`` (the account's ``language``), with the extra
    ``headers`` if any: the rendered mail is written to the outbox in the current transaction and
    delivered by a worker once it commits (at once outside one). Never raises for a mail
    server's refusal or absence, nor for a task broker that is down: it is logged, without the
    address."""
    # Rendered now, so a template's mistake fails loudly where it is made (in the tests).
    message = render_mail(
        template=template, context=context, language=language, to=to, headers=headers
    )
    queue_messages([message], template=template)


def queue_messages(
    messages: Sequence[EmailMultiAlternatives], *, template: str, enqueue: bool = True
) -> list[OutgoingMail]:
    """Write rendered ``messages`` (of ``template``) to the outbox in one insert and, once the
    transaction commits, hand them all to the task broker. ``enqueue=False`` leaves them in the
    outbox for the caller to deliver itself (``deliver_all``). Returns the rows."""
    rows = [OutgoingMail.from_message(message, template=template) for message in messages]
    if not rows:
        return rows
    OutgoingMail.objects.bulk_create(rows)
    if enqueue:
        transaction.on_commit(lambda: _enqueue(rows))
    return rows


def _enqueue(rows: Sequence[OutgoingMail]) -> None:
    from accounts.tasks import deliver_mail

    for done, outgoing in enumerate(rows):
        try:
            deliver_mail.delay(outgoing.pk)
        except Exception as error:
            # The change is committed and the mails are in the outbox; a broker that is down
            # must not turn that into an error page. The outbox's safety net
            # (accounts.tasks.retry_unsent_mail) hands them to a worker later.
            logger.error(
                "Mail %r (outbox %s) could not be handed to the task broker (%s)%s",
                outgoing.template,
                outgoing.pk,
                type(error).__name__,
                f"; {len(rows) - done - 1} more mail(s) left in the outbox"
                if done + 1 < len(rows)
                else "",
            )
            return


def deliver(*, mail_id: int, server: BaseEmailBackend | None = None) -> bool:
    """Hand the outbox row ``mail_id`` to Django's mail backend unless it was sent already (or
    another worker holds it): True if it was sent now. The row stays locked from before the
    sending until ``sent_at`` is written, so a second delivery of the same row sends nothing.
    Raises ``MailNotDelivered`` (after recording the attempt and the error's kind) when the mail
    server refuses or can't be reached. ``server``: an open connection to reuse (``deliver_all``);
    by default one is opened for this mail."""
    with transaction.atomic():
        rows = OutgoingMail.objects.filter(
            pk=mail_id, sent_at__isnull=True, given_up_at__isnull=True
        )
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        outgoing = rows.first()
        if outgoing is None:
            return False
        outgoing.attempts += 1
        outgoing.last_attempt_at = timezone.now()
        message = outgoing.message()
        message.connection = server
        try:
            message.send()
        except OSError as error:  # smtplib.SMTPException is an OSError
            kind = type(error).__name__
            outgoing.last_error = kind
            outgoing.save(update_fields=["attempts", "last_attempt_at", "last_error"])
        else:
            # Accepted: the body (which may hold an invitation or reset link) is not kept.
            outgoing.sent_at = timezone.now()
            outgoing.last_error = ""
            # Nor the headers: a digest's carry its unsubscribe link.
            outgoing.text = outgoing.html = ""
            outgoing.headers = {}
            outgoing.save(
                update_fields=[
                    "attempts",
                    "last_attempt_at",
                    "last_error",
                    "sent_at",
                    "text",
                    "html",
                    "headers",
                ]
            )
            return True
    # Only the error's kind: an SMTP refusal's text names the recipient's address.
    logger.error("Mail %r to an account could not be sent (%s)", outgoing.template, kind)
    raise MailNotDelivered(kind)


@dataclass
class Delivery:
    """What ``deliver_all`` did with each outbox row it was given."""

    sent: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)  # refused, or the server unreachable
    skipped: list[int] = field(default_factory=list)  # sent already, or another worker's


def deliver_all(*, mail_ids: Sequence[int]) -> Delivery:
    """``deliver`` each of the outbox rows ``mail_ids`` over one connection to the mail server
    (a digest run's mails): each row in its own transaction, exactly as ``deliver`` alone, so a
    worker that dies half-way loses nothing and sends nothing twice. One connection instead of
    one per mail was most of the time the daily digests took. Never raises for the mail server:
    refusals are returned for the caller to retry or give up."""
    done = Delivery()
    if not mail_ids:
        return done
    server = get_connection()
    try:
        server.open()
    except OSError as error:
        # Not one mail could go: the retries (each on its own) will record their attempts.
        logger.error("The mail server could not be reached (%s)", type(error).__name__)
        done.refused = list(mail_ids)
        return done
    try:
        for mail_id in mail_ids:
            try:
                sent = deliver(mail_id=mail_id, server=server)
            except MailNotDelivered as error:
                if str(error) != "SMTPServerDisconnected":
                    done.refused.append(mail_id)
                    continue
                # The server closed the session (some cap the mails per session): the rest
                # would all fail on the dead connection. A new one, and this mail again.
                server.close()
                try:
                    server.open()
                    sent = deliver(mail_id=mail_id, server=server)
                except (OSError, MailNotDelivered):
                    done.refused.extend(mail_ids[mail_ids.index(mail_id) :])
                    break
            (done.sent if sent else done.skipped).append(mail_id)
    finally:
        server.close()
    return done


def give_up(*, mail_id: int) -> bool:
    """Record that nothing will try the outbox row ``mail_id`` again (its last retry failed, or
    ``send_digests`` saw it refused): True if it was still unsent. A digest's notices whose mail
    was given up become due again (notifications/digests.py)."""
    given_up = OutgoingMail.objects.filter(
        pk=mail_id, sent_at__isnull=True, given_up_at__isnull=True
    ).update(given_up_at=timezone.now())
    return bool(given_up)


def mail_deliver_again(*, mail_ids: Sequence[int]) -> int:
    """Hand the unsent ones of the outbox rows ``mail_ids`` to a worker again, given up or not
    (staff's "deliver again"): returns how many. A given-up digest's notices may have been
    announced again meanwhile; staff decide."""
    with transaction.atomic():
        rows = list(OutgoingMail.objects.filter(pk__in=mail_ids, sent_at__isnull=True))
        OutgoingMail.objects.filter(pk__in=[row.pk for row in rows]).update(given_up_at=None)
        transaction.on_commit(lambda: _enqueue(rows))
    return len(rows)
