"""Mail to people, in their language, sent only once the change that causes it is committed.

Every mail is three templates under ``templates/mail/``: ``<name>_subject.txt`` (one line),
``<name>.txt`` (the plain text) and ``<name>.html`` (the HTML alternative), rendered in the
recipient's language. ``send_mail`` registers the sending with ``transaction.on_commit``: a
rolled-back change sends nothing, and a mail server that refuses or is down never turns a
committed change into an error page (the failure is logged).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def recipient_language(language: str | None) -> str:
    """The account's chosen language, else the portal's default."""
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE


def render_mail(
    *, template: str, context: Mapping[str, Any], language: str | None, to: str
) -> EmailMultiAlternatives:
    """The message ``template`` renders for ``to`` in ``language`` (not sent)."""
    with translation.override(recipient_language(language)):
        subject = " ".join(render_to_string(f"mail/{template}_subject.txt", context).split())
        text = render_to_string(f"mail/{template}.txt", context)
        html = render_to_string(f"mail/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def send_mail(*, template: str, context: Mapping[str, Any], language: str | None, to: str) -> None:
    """Send ``template`` to ``to`` in ``language`` once the current transaction commits (at
    once outside one). Never raises for a mail server's refusal: it is logged."""

    def deliver() -> None:
        message = render_mail(template=template, context=context, language=language, to=to)
        try:
            message.send()
        except Exception:
            # The change is committed; the person can ask again (reset, resend invitation).
            logger.exception("Mail %r to an account could not be sent", template)

    transaction.on_commit(deliver)
