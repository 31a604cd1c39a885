"""The outbox: every mail the portal sends, rendered and written in the transaction of the change
that causes it, then delivered by a worker (accounts.tasks.deliver_mail).

A mail may carry a secret link (an invitation, a password reset), which the portal otherwise
keeps only as a hash: the text and HTML are dropped as soon as the mail server accepts the mail,
so the link stays in the database only while the mail waits.
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """One rendered mail to one address; ``sent_at`` is set once the mail server accepted it."""

    template = models.CharField(_("template"), max_length=100)
    to = models.EmailField(_("to"), max_length=254)
    from_email = models.CharField(_("from"), max_length=320)
    subject = models.CharField(_("subject"), max_length=998)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Only the error's kind ("SMTPDataError"): a server's answer may name the recipient.
    last_error = models.CharField(_("last error"), max_length=100, blank=True)
    # Set when the last retry failed too: nothing will try this mail again by itself.
    given_up_at = models.DateTimeField(_("given up"), null=True, blank=True)
    # When a worker last tried it: the outbox's safety net (accounts.tasks.retry_unsent_mail)
    # hands a worker again only the mails nobody has touched for a while.
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # Extra headers of the message, e.g. a digest's List-Unsubscribe (RFC 8058).
    headers = models.JSONField(_("headers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="outgoing_mail_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.created_at:%Y-%m-%d %H:%M})"

    @classmethod
    def from_message(cls, message: EmailMultiAlternatives, *, template: str) -> OutgoingMail:
        """The row for a rendered message (accounts.mail.render_mail), headers included, not
        saved."""
        [to] = message.to
        html = next(
            (str(content) for content, mimetype in message.alternatives if mimetype == "text/html"),
            "",
        )
        return cls(
            template=template,
            to=to,
            from_email=message.from_email,
            subject=str(message.subject),
            text=str(message.body),
            html=html,
            headers={str(name): str(value) for name, value in message.extra_headers.items()},
        )

    def message(self) -> EmailMultiAlternatives:
        """The message to hand to Django's mail backend."""
        message = EmailMultiAlternatives(
            self.subject, self.text, self.from_email, to=[self.to], headers=self.headers or None
        )
        message.attach_alternative(self.html, "text/html")
        return message
