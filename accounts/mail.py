"""Mail to people, in their language, sent only once the change that causes it is committed.

Every mail is three templates under ``templates/mail/``: ``<name>_subject.txt`` (one line),
``<name>.txt`` (the plain text, extending ``mail/_base.txt``) and ``<name>.html`` (the HTML
alternative, extending ``mail/_base.html``), rendered in the recipient's language. Each gets
``portal_url`` (the portal's home page, absolute) besides its own context; links inside a mail
are built with ``absolute_url``, since a mail is read outside any request.

``send_mail`` registers the sending with ``transaction.on_commit``: a rolled-back change sends
nothing, and a mail server that refuses or is down never turns a committed change into an error
page (the failure is logged).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

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
    *, template: str, context: Mapping[str, Any], language: str | None, to: str
) -> EmailMultiAlternatives:
    """The message ``template`` renders for ``to`` in ``language`` (not sent)."""
    full = {"portal_url": absolute_url(reverse("home")), **context}
    with translation.override(recipient_language(language)):
        subject = " ".join(_render(f"mail/{template}_subject.txt", full, autoescape=False).split())
        text = _render(f"mail/{template}.txt", full, autoescape=False)
        html = _render(f"mail/{template}.html", full, autoescape=True)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def send_mail(*, template: str, context: Mapping[str, Any], language: str | None, to: str) -> None:
    """Send ``template`` to ``to`` in ``language`` (the account's ``language``) once the current
    transaction commits (at once outside one). Never raises for a mail server's refusal or
    absence: it is logged, without the address."""

    # Rendered now, so a template's mistake fails loudly where it is made (in the tests).
    message = render_mail(template=template, context=context, language=language, to=to)

    def deliver() -> None:
        try:
            message.send()
        except Exception as error:
            # The change is committed; the person can ask again (reset, resend invitation).
            # Only the error's kind: an SMTP refusal's text names the recipient's address.
            logger.error(
                "Mail %r to an account could not be sent (%s)", template, type(error).__name__
            )

    transaction.on_commit(deliver)
