"""Errors as ``application/problem+json`` (RFC 9457): one shape for every refusal of the API.

A problem carries ``type`` (a stable URI naming the kind of error, under /api/v1/problems/),
``title`` (the kind in words), ``status``, ``detail`` (the screens' own message, in the
language of ``Accept-Language``) and, for invalid input, ``errors`` naming each field. Services
refuse with Django's ``ValidationError``; its ``code`` picks 409 (the state changed under the
caller: a used key, a full credit, a changed subscription) or 422 (the request can't be done).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core import validators
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestInvalid

from benefits.api.body import BodyRefused

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
BODY_UNREADABLE = _(
    "The request body is not JSON. Send a JSON object, with Content-Type: application/json."
)
IDEMPOTENCY_KEY_INVALID = _("Use 1 to 64 printable ASCII characters, without spaces: a UUID, say.")
CHOICE_EXPECTED = _("Choose one of: %(expected)s.")
TEXT_EXPECTED = _("Enter text: a JSON string, in quotes.")
TEXT_TOO_SHORT = ngettext_lazy(
    "Enter at least %(limit)d character.", "Enter at least %(limit)d characters.", "limit"
)
TEXT_TOO_LONG = ngettext_lazy(
    "Enter at most %(limit)d character.", "Enter at most %(limit)d characters.", "limit"
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


def _request_errors(raw: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """pydantic's errors as field names (the last part of the location) and messages."""
    fields = []
    for item in raw:
        location = [
            str(part)
            for part in item.get("loc", ())
            if part not in {"body", "payload", "query", "header", "path"}
        ]
        fields.append({"field": ".".join(location[-2:]) or "body", "message": _message(item)})
    return fields


def _message(item: dict[str, Any]) -> str:
    """A pydantic error in the words of Django's own forms and validators, which speak the
    reader's language (pydantic's messages exist in English only)."""
    kind, context = item.get("type", ""), item.get("ctx") or {}
    field = str(item.get("loc", ("",))[-1])
    if kind == "string_pattern_mismatch" and field == "Idempotency-Key":  # its only pattern
        return str(IDEMPOTENCY_KEY_INVALID)
    if kind == "string_type":
        return str(TEXT_EXPECTED)
    if kind == "missing":
        return str(forms.Field.default_error_messages["required"])
    if kind.startswith("int_"):
        return str(forms.IntegerField.default_error_messages["invalid"])
    if kind.startswith("date"):
        return str(forms.DateField.default_error_messages["invalid"])
    # ninja leaves out the value given, so these say what is expected only (Django's own
    # messages name the value sent).
    if kind in {"enum", "literal_error"}:
        # pydantic lists the values as "'a', 'b' or 'c'": its English "or" becomes a comma.
        expected = str(context.get("expected", "")).replace(" or ", ", ")
        return str(CHOICE_EXPECTED % {"expected": expected})
    if kind == "string_too_long":
        limit = context.get("max_length", 0)
        return str(TEXT_TOO_LONG % {"limit": limit})
    if kind == "string_too_short":
        limit = context.get("min_length", 0)
        return str(TEXT_TOO_SHORT % {"limit": limit})
    if kind in {"less_than_equal", "less_than"}:
        return str(validators.MaxValueValidator.message) % {
            "limit_value": context.get("le", context.get("lt"))
        }
    if kind in {"greater_than_equal", "greater_than"}:
        return str(validators.MinValueValidator.message) % {
            "limit_value": context.get("ge", context.get("gt"))
        }
    return str(validators.RegexValidator.message)


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
        return problem_response(api, request, 422, INVALID, errors=_request_errors(exc.errors))

    @api.exception_handler(ValidationError)
    def refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem_response(api, request, refusal_status(exc), refusal_detail(exc))

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        seconds = max(1, int(exc.wait or 1))
        detail = TOO_MANY % {"limit": settings.API_REQUESTS_PER_MINUTE, "seconds": seconds}
        return problem_response(api, request, 429, detail, headers={"Retry-After": str(seconds)})

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
            if "requestBody" in operation and "400" not in responses:
                responses["400"] = {
                    "description": "Bad Request",
                    "content": {"application/json": {"schema": {"$ref": problem_ref}}},
                }
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
