"""The portal's URLs plus a signed-in page that renders nothing: the floor of every page that
needs a session, to compare the real pages with."""

from django.urls import path

from bench.views import signed_in
from partnerbenefits.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/signed-in/", signed_in, name="bench_signed_in"),
    *portal_urlpatterns,
]
