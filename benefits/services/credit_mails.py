"""Mail to the person whose Azure credit changed (SPEC 10): assigned, transferred to them, or
taken away (removed, or transferred to someone else).

The services call these inside the transaction of the change: accounts.mail.send_mail writes
the mail to the outbox there and a worker delivers it once the change commits, so a refused
change (a ValidationError rolls the transaction back) sends nothing.
"""

from __future__ import annotations

from django.utils import translation

from accounts.mail import send_mail
from accounts.models import DirectoryUser, User
from benefits.models import Benefit

ASSIGNED = "credit_assigned"
TRANSFERRED = "credit_transferred"
REMOVED = "credit_removed"
# Where the activation steps send the person (a link in the mail, not an asset of the portal).
AZURE_PORTAL = "https://portal.azure.com/"


def mail_language(actor: User) -> str | None:
    """The language of a mail to a directory user.

    A directory user has no portal account, so no language of their own. The admin who made the
    change works in the same organization and chose the language it works in: the mail speaks
    the actor's ``User.language``; for an actor who chose none, the language of the request (or
    job) that made the change; failing both, the portal's default (accounts.mail picks it for
    an unknown or empty code).
    """
    return actor.language or translation.get_language()


def credit_mail(
    *,
    template: str,
    benefit: Benefit,
    person: DirectoryUser,
    actor: User,
    transferred: bool = False,
) -> None:
    """Queue ``template`` (ASSIGNED, TRANSFERRED or REMOVED) to ``person``'s own address.

    ``benefit`` comes with its product and organization (the locked row of the service); it is
    given to the templates whole so that its offer, credit and date are rendered in the mail's
    language. ``transferred`` with REMOVED: the credit went to someone else (who is not named).
    """
    send_mail(
        template=template,
        context={
            "benefit": benefit,
            "product": benefit.product.name,
            "organization": benefit.organization.name,
            "person": person.display_name,
            "address": person.user_principal_name,
            "transferred": transferred,
            "azure_portal": AZURE_PORTAL,
        },
        language=mail_language(actor),
        to=person.user_principal_name,
    )
