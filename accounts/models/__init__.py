"""The accounts app's models, one module per subject; ``from accounts.models import X`` names
them all."""

from accounts.models.invitations import Invitation
from accounts.models.organizations import (
    AzureOffer,
    CodeListValidator,
    DirectoryUser,
    Organization,
    Role,
    Tenant,
    country_validator,
    currency_validator,
    mpn_id_validator,
)
from accounts.models.outbox import OutgoingMail
from accounts.models.tokens import ApiToken, Scope
from accounts.models.users import User, UserManager

__all__ = [
    "ApiToken",
    "AzureOffer",
    "CodeListValidator",
    "DirectoryUser",
    "Invitation",
    "Organization",
    "OutgoingMail",
    "Role",
    "Scope",
    "Tenant",
    "User",
    "UserManager",
    "country_validator",
    "currency_validator",
    "mpn_id_validator",
]
