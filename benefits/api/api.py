"""The API's one NinjaAPI: authentication, rate limit, errors and the routers of each resource.

The OpenAPI document is at /api/v1/openapi.json and the interactive docs at /api/v1/docs, drawn
by Swagger UI from django-ninja's own static files (no CDN) under the portal's own strict CSP.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from benefits.api.auth import TokenAuth, TokenRateThrottle
from benefits.api.body import ObjectBodyParser
from benefits.api.problems import problems_documented, problems_install
from benefits.api.routers import activity, benefits, credits, directory, redemptions, subscriptions

DESCRIPTION = """Everything a partner admin does in the benefits area, from their own scripts.

Send `Authorization: Bearer <token>`; team admins create tokens on the Team page (API tokens)
or with `python manage.py create_api_token`. A token acts as its account, in its account's
organization, within its scopes: `read`, `keys` (full product keys), `credits`, `redeem`.
Errors are `application/problem+json` (RFC 9457), with the screens' messages in the language
of `Accept-Language`. Writes require an `Idempotency-Key` header: the same key with the same
body answers the first response again; with another body, 422.
"""


class PortalApi(NinjaAPI):
    """The OpenAPI document names operations by their function (``holder_assign``), as the URL
    names do (``api:holder_assign``), and lists the scope each one needs."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(*args, **kwargs)
        scopes = self._scopes()
        for operations in schema["paths"].values():
            for operation in operations.values():
                scope = scopes.get(operation["operationId"])
                if scope:
                    operation["security"] = [{"TokenAuth": [scope]}]
                    operation["description"] = (
                        f"Needs the `{scope}` scope. " + operation.get("description", "")
                    ).strip()
        problems_documented(schema)
        return schema

    def _scopes(self) -> dict[str, str]:
        found = {}
        for _prefix, router in self._routers:
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    for auth in operation.auth_callbacks:
                        if isinstance(auth, TokenAuth):
                            found[operation.view_func.__name__] = auth.scope
        return found


api = PortalApi(
    title="Partner Benefits API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    throttle=TokenRateThrottle(),
    parser=ObjectBodyParser(),
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
)
problems_install(api)
api.add_router("/", directory.router)
api.add_router("/", credits.router)
api.add_router("/", redemptions.router)
api.add_router("/", benefits.router)
api.add_router("/", subscriptions.router)
api.add_router("/", activity.router)
