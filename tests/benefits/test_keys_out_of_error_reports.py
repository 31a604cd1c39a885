"""A redemption that fails with an unexpected error produces an error report (the one Django
mails, the one an error tracker is sent) that shows no full product key: neither the POST body,
nor the variables of the frames that held the key; the log record names the path and account."""

from __future__ import annotations

import logging
import sys

import pytest
from django.core.signals import got_request_exception
from django.db import DatabaseError
from django.urls import reverse
from django.views.debug import ExceptionReporter

from benefits.models import Subscription
from benefits.services.redemption import preview as preview_module
from benefits.services.redemption import redeem as redeem_module
from common.request_log import RequestContextFilter
from tests.benefits.wizard import wizard_state

pytestmark = pytest.mark.django_db

URL = reverse("benefits:redeem")
KEY = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"
# As a person might type it: the portal accepts any case, spaces and dashes.
TYPED = "36xhh 2d2tt 9hb6d fv6m9 f7cpq"


def key_forms() -> list[str]:
    return [KEY, KEY.replace("-", ""), TYPED, TYPED.upper(), TYPED.replace(" ", "")]


def assert_no_full_key(text: str) -> None:
    upper = text.upper()
    for form in key_forms():
        assert form.upper() not in upper, f"{form!r} appears in the report"


@pytest.fixture
def error_reports():
    """The text and HTML reports Django builds for each unhandled exception of a request."""
    reports: list[str] = []

    def report(sender, request, **kwargs) -> None:
        reporter = ExceptionReporter(request, *sys.exc_info())
        reports.extend([reporter.get_traceback_text(), reporter.get_traceback_html()])

    got_request_exception.connect(report, dispatch_uid="test-error-reports")
    yield reports
    got_request_exception.disconnect(dispatch_uid="test-error-reports")


@pytest.fixture
def failing_client(contoso_client):
    # An unhandled error answers 500 as in production instead of being raised into the test.
    contoso_client.raise_request_exception = False
    return contoso_client


def start_extending_office(client, **params):
    office = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Office 365 E3"
    )
    return client.get(URL, {"subscription": office.pk, "action": "extend", **params})


def boom(*args, **kwargs):
    raise DatabaseError("server closed the connection unexpectedly")


def crash(*args, **kwargs):
    # Not a database error: the service turns those into a refusal, this one escapes.
    raise RuntimeError("unexpected failure while redeeming")


@pytest.mark.parametrize(
    ("module", "function"),
    [
        # While the typed key is looked up: the lookup's own variables hold it.
        (preview_module.selectors, "key_list"),
        # Once found, while the outcome is previewed: the POST body still holds it.
        (preview_module, "key_check"),
    ],
)
def test_a_key_step_that_fails_reports_no_full_key(
    failing_client, error_reports, monkeypatch, module, function
):
    start_extending_office(failing_client)
    monkeypatch.setattr(module, function, boom)

    response = failing_client.post(URL, {"step": "key", "key": TYPED})

    assert response.status_code == 500
    assert len(error_reports) == 2, "no error report was built"
    for report in error_reports:
        assert "server closed the connection unexpectedly" in report  # the report is there
        assert_no_full_key(report)


def test_a_redeem_press_that_fails_reports_no_full_key(failing_client, error_reports, monkeypatch):
    start_extending_office(failing_client)
    failing_client.post(URL, {"step": "key", "key": TYPED})
    token = wizard_state(failing_client)["token"]
    monkeypatch.setattr(redeem_module, "_apply", crash)

    response = failing_client.post(URL, {"step": "review", "token": token})

    assert response.status_code == 500
    assert len(error_reports) == 2
    for report in error_reports:
        assert "unexpected failure while redeeming" in report
        assert_no_full_key(report)


def test_the_error_log_names_the_path_and_account_but_not_the_key(
    failing_client, contoso_admin, monkeypatch, caplog
):
    start_extending_office(failing_client)
    monkeypatch.setattr(preview_module, "key_check", boom)
    caplog.handler.addFilter(RequestContextFilter())

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = failing_client.post(URL, {"step": "key", "key": TYPED})

    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == f"Internal Server Error: {URL}"
    assert record.path == URL
    assert record.account_id == str(contoso_admin.pk)
    assert record.request_id == response["X-Request-ID"]
    assert_no_full_key(caplog.text)


def test_a_key_lookup_that_fails_outside_a_page_reports_no_full_key(contoso_admin, monkeypatch):
    """The service hides the key itself, whoever calls it (a view, the API, a command)."""
    from benefits.services import redemption

    monkeypatch.setattr(preview_module.selectors, "key_list", boom)
    try:
        redemption.key_find(organization=contoso_admin.organization, raw=TYPED)
    except DatabaseError:
        report = ExceptionReporter(None, *sys.exc_info())
        texts = [report.get_traceback_text(), report.get_traceback_html()]
    else:
        pytest.fail("the lookup did not fail")
    for text in texts:
        assert "key_find" in text
        assert_no_full_key(text)


def test_a_named_key_that_fails_to_show_reports_no_full_key(
    failing_client, error_reports, monkeypatch
):
    """A Redeem link's Key step reads the key to show its last group: that read holds it."""
    from benefits import licensing
    from benefits.models import ProductKey

    key = ProductKey.objects.get(key=KEY)
    monkeypatch.setattr(licensing, "key_last_group", boom)

    response = start_extending_office(failing_client, key_id=key.pk)

    assert response.status_code == 500
    assert len(error_reports) == 2
    for report in error_reports:
        assert "server closed the connection unexpectedly" in report
        assert_no_full_key(report)


@pytest.mark.parametrize(
    ("module", "function"),
    [(preview_module.selectors, "key_list"), (preview_module, "key_check")],
)
def test_a_named_key_step_that_fails_reports_no_full_key(
    failing_client, error_reports, monkeypatch, module, function
):
    from benefits.models import ProductKey

    key = ProductKey.objects.get(key=KEY)
    start_extending_office(failing_client)
    monkeypatch.setattr(module, function, boom)

    response = failing_client.post(URL, {"step": "key", "key_id": key.pk})

    assert response.status_code == 500
    assert len(error_reports) == 2
    for report in error_reports:
        assert "server closed the connection unexpectedly" in report
        assert_no_full_key(report)


def test_a_key_added_in_the_admin_that_fails_reports_no_full_key(
    client, error_reports, monkeypatch, demo_data
):
    from accounts.models import User
    from benefits.models import Benefit, ProductKey

    staff = User.objects.filter(is_superuser=True).first()
    client.force_login(staff)
    client.raise_request_exception = False
    benefit = Benefit.objects.filter(keys__isnull=False).first()
    assert benefit is not None
    monkeypatch.setattr(ProductKey, "save", crash)

    response = client.post(
        reverse("admin:benefits_productkey_add"),
        {"benefit": benefit.pk, "key": TYPED.replace("36", "99"), "licenses": 5},
    )

    assert response.status_code == 500
    assert len(error_reports) == 2
    for report in error_reports:
        assert "unexpected failure while redeeming" in report
        upper = report.upper()
        for form in (TYPED.replace("36", "99"), "99XHH-2D2TT-9HB6D-FV6M9-F7CPQ"):
            assert form.upper() not in upper
