from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
@login_required
def signed_in(request: HttpRequest) -> HttpResponse:
    """Session, account and middleware, and no template or query of its own."""
    return HttpResponse("ok", content_type="text/plain")
