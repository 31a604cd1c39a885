"""The API's one NinjaAPI: authentication, rate limit, errors and the routers of each resource.

The OpenAPI document is at /api/v1/openapi.json and the interactive docs at /api/v1/docs, drawn
by Swagger UI from django-ninja's own static files (no CDN) under the portal's own strict CSP.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from benefits.api import problem_types
from benefits.api.auth import TokenAuth, TokenRateThrottle
from benefits.api.body import ObjectBodyParser
from benefits.api.problems import problem_response, problems_documented, problems_install
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


NO_SUCH_ADDRESS = _(
    "No operation has this address. The API's addresses are listed at /api/v1/docs; none of "
    "them ends with a slash."
)
METHOD_NOT_TAKEN = _("This address doesn't take %(method)s. It takes: %(allowed)s.")


def api_urls() -> tuple[list, str, str]:
    """The API's addresses, for ``path("api/v1/", ...)``: ninja's, where a method an address
    doesn't take is a problem (405) rather than ninja's plain text, and after them any other
    address under /api/v1/, a problem too (404) rather than the portal's HTML page."""
    patterns, app_name, namespace = api.urls
    told = [
        URLPattern(item.pattern, _view_of(item), item.default_args, item.name)
        if isinstance(item, URLPattern)
        else item
        for item in patterns
    ]
    documented = [
        path("problems/", _methods_told(_problem_types), name="problem_types"),
        path("problems/<slug:kind>", _methods_told(_problem_types), name="problem_type"),
    ]
    return [*told, *documented, re_path(r"^", _no_such_address)], app_name, namespace


def _view_of(pattern: URLPattern) -> Callable[..., HttpResponse]:
    # ninja's root (/api/v1/ itself, named for reverse()) answers an HTML 404 without debug.
    return _no_such_address if pattern.name == "api-root" else _methods_told(pattern.callback)


def _methods_told(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def told(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = response["Allow"]
        detail = METHOD_NOT_TAKEN % {"method": request.method, "allowed": allowed}
        return problem_response(api, request, 405, detail, headers={"Allow": allowed})

    return told


@require_safe
def _problem_types(request: HttpRequest, kind: str = "") -> HttpResponse:
    """The page a problem's ``type`` leads to; a kind the API hasn't is no address either."""
    if kind and kind not in problem_types.KINDS:
        return _no_such_address(request)
    return problem_types.problem_type_page(request, kind)


def _no_such_address(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return problem_response(api, request, 404, NO_SUCH_ADDRESS)
