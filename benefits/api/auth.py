"""Who calls the API: a bearer token, its scopes, and its share of requests.

``TokenAuth`` resolves ``Authorization: Bearer <token>`` to the token's account
(accounts.api_tokens.token_authenticate checks it: hash, expiry, revocation, an active account
in an organization), then what the token may do: its account's benefits role, as the screens
check it, and the operation's scope (SPEC 11: 403 for a missing scope or role). Past it,
``request.auth`` is the token and ``request.organization`` its account's organization, and
every object is fetched through that organization, as on the screens: another organization's
objects are 404.
"""

from __future__ import annotations

import logging
import time
from typing import cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from accounts.api_tokens import token_authenticate
from accounts.models import ApiToken, Organization, User
from accounts.permissions import benefits_role_names
from benefits.api.problems import ApiProblem
from common import ratelimit
from common.redis_cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

NO_BENEFITS_ROLE = _(
    "This token's account has none of the roles that open the benefits area: %(roles)s. Ask "
    "your organization's global admin to give it one of them."
)
MISSING_SCOPE = _(
    "This token lacks the '%(scope)s' scope. Create a token with it on the Team page, under "
    "API tokens."
)


class ApiRequest(HttpRequest):
    """A request past TokenAuth."""

    auth: ApiToken
    organization: Organization
    user: User


class TokenAuth(HttpBearer):
    """Bearer tokens of accounts with a benefits role (SPEC 11), holding ``scope``: each
    operation names the scope it needs (``auth=TokenAuth(Scope.CREDITS)``). No token, or one
    that doesn't work: 401; a working token whose account lacks a benefits role, or which lacks
    the scope: 403."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = str(scope)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_authenticate(token)
        if found is None:
            return None
        if not found.account.has_benefits_access:
            roles = ", ".join(benefits_role_names())
            raise ApiProblem(403, NO_BENEFITS_ROLE % {"roles": roles})
        if self.scope not in found.scopes:
            raise ApiProblem(403, MISSING_SCOPE % {"scope": self.scope})
        account = found.account
        request = cast(ApiRequest, request)
        request.user = account
        request.organization = cast(Organization, account.organization)
        return found


class TokenRateThrottle(BaseThrottle):
    """At most settings.API_REQUESTS_PER_MINUTE requests per token in each clock minute.

    One atomic counter per token and minute in the shared cache (Redis), so the limit holds
    across any number of processes and machines. ninja's own throttles keep a list of request
    times per caller that each request reads and rewrites whole: lost updates between processes,
    and 600 timestamps moved at every call. When the cache can't be reached the request goes
    through (a token is a 256-bit secret: the limit shares capacity out, it doesn't stop
    guessing), with a warning in the log.
    """

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        key = f"api-rate:{token.pk}:{int(time.time() // 60)}"
        try:
            count = ratelimit.counted(key, 90)
        except ValueError:  # expired between two steps
            return True
        except CACHE_ERRORS as error:
            logger.warning("API rate counters unavailable (%s): request let through", error)
            return True
        return count <= settings.API_REQUESTS_PER_MINUTE

    def wait(self) -> float:
        """Until the next minute starts (the instance is shared by threads: nothing kept)."""
        return 60 - time.time() % 60
