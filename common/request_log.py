"""One id per request, in the response, the logs and gunicorn's access log.

``RequestIdMiddleware`` (first in MIDDLEWARE) takes the caller's ``X-Request-ID`` when it is a
short, plain token — a proxy or load balancer that already named the request — and otherwise
makes one; it keeps it in a context variable for the request's duration and returns it in the
response's ``X-Request-ID`` header, which gunicorn's access log prints (gunicorn.conf.py).

``RequestContextFilter`` gives every log record ``request_id``, ``path`` and ``account_id``
(``-`` outside a request or when nobody is signed in). The path never includes the query string,
and nothing here reads the request's body: a log line never carries what a person typed.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# An id from outside is copied into headers and log lines: only short, plain tokens qualify.
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
NONE = "-"


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    path: str
    request: HttpRequest


_current: ContextVar[RequestContext | None] = ContextVar("request_log_context", default=None)
# Set while the account is being read for a record, so that a record logged meanwhile (by the
# session or the database) doesn't start reading it again.
_reading_account: ContextVar[bool] = ContextVar("request_log_reading_account", default=False)


def request_id_from(header: str | None) -> str:
    """The caller's id if it is a safe token, else a new one."""
    if header and SAFE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str:
    context = _current.get()
    return context.request_id if context else NONE


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(RequestContext(request_id, request.path, request))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


def _account_id(request: HttpRequest) -> str:
    """The signed-in account's id, read when a record is logged: the authentication middleware
    has run by then (or the request never got that far, and nobody is signed in)."""
    user = getattr(request, "user", None)
    if user is None or _reading_account.get():
        return NONE
    token = _reading_account.set(True)
    try:
        return str(user.pk) if user.is_authenticated else NONE
    except Exception:  # a log line must never fail because the session or database did
        return NONE
    finally:
        _reading_account.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``path`` and ``account_id`` to every record; keeps them all."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get()
        if context is None:
            record.request_id = record.path = record.account_id = NONE
        else:
            record.request_id = context.request_id
            record.path = context.path
            record.account_id = _account_id(context.request)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (``DJANGO_LOG_FORMAT=json``), for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NONE),
            "path": getattr(record, "path", NONE),
            "account_id": getattr(record, "account_id", NONE),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
