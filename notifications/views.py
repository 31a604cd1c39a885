"""/notifications/ and /account/notifications/ (being built)."""

from django.http import Http404, HttpRequest, HttpResponse


def notification_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def preferences(request: HttpRequest) -> HttpResponse:
    raise Http404
