"""Creating an API token as the Team page does, with a name, the `read` scope and no expiry
unless told otherwise."""

from __future__ import annotations

from accounts.api_tokens import api_token_create
from accounts.models import Role, Scope

BILLING = Role.BILLING_ADMIN.value
AGENT = Role.ADMIN_AGENT.value


def create(account, **overrides):
    """A token of ``account``, created by ``account`` unless ``actor`` says otherwise."""
    arguments = {
        "account": account,
        "name": "Inventory sync",
        "scopes": [Scope.READ.value],
        "expires_days": None,
        "actor": account,
        **overrides,
    }
    return api_token_create(**arguments)
