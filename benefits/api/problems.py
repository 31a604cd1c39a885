"""Errors as ``application/problem+json`` (RFC 9457): one shape for every refusal of the API.

A problem carries ``type`` (a stable URI naming the kind of error, under /api/v1/problems/),
``title`` (the kind in words), ``status``, ``detail`` (the screens' own message, in the
language of ``Accept-Language``) and, for invalid input, ``errors`` naming each field. Services
refuse with Django's ``ValidationError``; its ``code`` picks 409 (the state changed under the
caller: a used key, a full credit, a changed subscription) or 422 (the request can't be done).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestInvalid

from benefits.api.body import BodyRefused
from benefits.api.field_errors import request_errors

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"

# The services' refusal codes that mean "the state changed, look again" (409) rather than
# "this can't be done" (422): a used key, a subscription changed since the preview, a spent
# review token, a row gone, a full credit, a holder who no longer holds it or is gone. A test
# checks that each is raised by a service.
CONFLICT_CODES = frozenset(
    {"used", "changed", "token_spent", "gone", "seats_full", "not_a_holder", "person_gone"}
)
# The database refused the change: nothing was changed, try again (503).
UNAVAILABLE_CODES = frozenset({"not_saved"})

TITLES = {
    400: _("Bad request"),
    413: _("Request too large"),
    401: _("Not signed in"),
    403: _("Not allowed"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    422: _("Request refused"),
    429: _("Too many requests"),
    500: _("Server error"),
    503: _("Try again"),
}
SLUGS = {
    400: "bad-request",
    413: "too-large",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    422: "unprocessable",
    429: "too-many-requests",
    500: "server-error",
    503: "unavailable",
}
NO_TOKEN = _(
    "Send a valid API token as 'Authorization: Bearer <token>'. A token stops working when it "
    "is revoked or expires, or when its account is deactivated; a team admin creates new ones "
    "on the Team page, under API tokens."
)
NOT_FOUND = _("Nothing with this id exists in your organization.")
INVALID = _("Some fields are missing or invalid; see errors.")
BODY_TOO_LARGE = _(
    "The request body is larger than %(limit)s, far more than any request of this API needs. "
    "Send only the fields the schema lists."
)
BODY_UNREADABLE = _(
    "The request body is not JSON. Send a JSON object, with Content-Type: application/json."
)
TOO_MANY = _("More than %(limit)d requests a minute with this token. Try again in %(seconds)d s.")
SERVER_ERROR = _("The portal couldn't handle this request. Nothing was changed. Try again later.")


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """An error response (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


class ApiProblem(Exception):
    """Raised by operations to answer with a problem of ``status``."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


@contextmanager
def named_if_missing(field: str) -> Iterator[None]:
    """An id the organization lacks (a selector's Http404) as the 404 problem, naming the field
    that holds it — path or body alike — so a caller sending several ids knows which one."""
    try:
        yield
    except Http404 as missing:
        message = str(NOT_FOUND)
        raise ApiProblem(404, message, errors=[{"field": field, "message": message}]) from missing


# The problems each kind of operation declares (and may answer with).
READ_ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 422: Problem, 429: Problem}
WRITE_ERRORS: dict[int, type[Schema]] = {
    **READ_ERRORS,
    404: Problem,
    409: Problem,
    503: Problem,
}


def problem_body(
    status: int, detail: str | Promise, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + SLUGS.get(status, "error"),
        "title": str(TITLES.get(status, _("Error"))),
        "status": status,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str | Promise,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    response = api.create_response(request, problem_body(status, detail, errors), status=status)
    response["Content-Type"] = CONTENT_TYPE
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def refusal_status(error: ValidationError) -> int:
    codes = {item.code for item in error.error_list} if hasattr(error, "error_list") else set()
    if codes & UNAVAILABLE_CODES:
        return 503
    return 409 if codes & CONFLICT_CODES else 422


def refusal_detail(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def problems_install(api: NinjaAPI) -> None:
    """Every error the API can raise answers as a problem."""

    @api.exception_handler(ApiProblem)
    def api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        return problem_response(
            api, request, exc.status, exc.detail, errors=exc.errors, headers=exc.headers
        )

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            api, request, 401, NO_TOKEN, headers={"WWW-Authenticate": 'Bearer realm="api"'}
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(api, request, 404, NOT_FOUND)

    @api.exception_handler(RequestInvalid)
    def request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
        return problem_response(api, request, 422, INVALID, errors=request_errors(exc.errors))

    @api.exception_handler(ValidationError)
    def refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem_response(api, request, refusal_status(exc), refusal_detail(exc))

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # Rounded up, as ninja rounds the Retry-After it sets over this one.
        seconds = max(1, math.ceil(exc.wait or 1))
        detail = TOO_MANY % {"limit": settings.API_REQUESTS_PER_MINUTE, "seconds": seconds}
        return problem_response(api, request, 429, detail, headers={"Retry-After": str(seconds)})

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # Raised by Django on reading the body, before ninja's parser is asked.
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return problem_response(api, request, 413, BODY_TOO_LARGE % {"limit": limit})

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's only 400 is a body its parser refused, told in English only.
        detail: str | Promise = str(exc)
        if exc.status_code == 400:
            refused = exc.__cause__
            detail = refused.detail if isinstance(refused, BodyRefused) else BODY_UNREADABLE
        return problem_response(api, request, exc.status_code, detail)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with its traceback like any other server error, answered without one.
        logging.getLogger("django.request").error(
            "API error on %s", request.path, exc_info=exc, extra={"request": request}
        )
        return problem_response(api, request, 500, SERVER_ERROR)


def problems_documented(schema: dict[str, Any]) -> None:
    """Declare the problems as they are sent: ninja documents every response under the
    renderer's ``application/json``, but a problem is ``application/problem+json``; a body
    that isn't JSON at all is a 400 (ninja's, before any field is read); and a 429 carries
    ``Retry-After``."""
    problem_ref = "#/components/schemas/Problem"
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            if "requestBody" in operation:
                for status, description in (("400", "Bad Request"), ("413", "Content Too Large")):
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": {"$ref": problem_ref}}},
                        },
                    )
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                body = content.get("application/json", {})
                if body.get("schema", {}).get("$ref") != problem_ref:
                    continue
                response["content"] = {CONTENT_TYPE: body}
                if status == "429":
                    response["headers"] = {
                        "Retry-After": {
                            "description": "Seconds to wait before trying again.",
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    }
