"""Shared fixtures, and the rule for tests that need a real service: skipped locally when the
service is absent, failing in CI (CI=true), where .ci/run provides every service."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from accounts.models import Role
from tests.accounts.factories import OrganizationFactory, TenantFactory, UserFactory

# What htmx sends with each request it makes: the portal answers with the fragment only.
HTMX = {"HX-Request": "true"}

IN_CI = os.environ.get("CI", "").lower() == "true"

# HYPOTHESIS_PROFILE=thorough for a deeper search of the licensing properties.
hypothesis_settings.register_profile("thorough", max_examples=20_000, deadline=None)
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def require_service(available: bool, reason: str) -> None:
    """Skip locally, fail in CI, when a test's service is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: every service must be present)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A fast hasher: the real one is slow on purpose, which would only slow the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production settings redirect to HTTPS and read a collected static manifest; tests talk
    # plain HTTP to the test client and use the source static files.
    settings.SECURE_SSL_REDIRECT = False
    # Two-step enrolment is on by default with debug off; the tests that check it turn it on.
    settings.PORTAL_MFA_REQUIRED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def tests_own_templates(settings):
    """The tests' own templates (tests/templates/, such as mail/greeting*), found after the
    portal's."""
    own = Path(__file__).resolve().parent / "templates"
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], own]}]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free loopback port, with Django's mail settings pointed at it
    for this test (as EMAIL_URL=smtp://127.0.0.1:<port> would): ``.messages`` lists what it
    received, ``.wait_for(n)`` waits for mails sent from another thread (a live server)."""
    from tests.smtp import SmtpServer

    server = SmtpServer()
    server.start()
    for name, value in server.mail_settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()


@pytest.fixture
def postgres(transactional_db):
    """For tests that need PostgreSQL itself: row locks (the races), a database that other
    processes share (gunicorn, Celery workers; SQLite's test database lives in this process's
    memory), or its indexes and scale. They run in the PostgreSQL pass of the suite
    (DATABASE_URL set) and are skipped in the SQLite pass."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("DATABASE_URL"):
            pytest.fail("DATABASE_URL is set but the tests are not running on PostgreSQL")
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")


def run_at_once(count: int, action) -> list:
    """Run ``action(index)`` in ``count`` threads released together; return each outcome
    (the value, or the exception raised). Each thread closes its database connection."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = action(index)
        except Exception as error:  # the outcome under test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def organization(db):
    organization = OrganizationFactory()
    TenantFactory(organization=organization, is_primary=True)
    return organization


@pytest.fixture
def other_organization(db):
    organization = OrganizationFactory(name="Other Partner")
    TenantFactory(organization=organization, is_primary=True)
    return organization


@pytest.fixture
def admin_user(organization):
    return UserFactory(organization=organization, roles=[Role.GLOBAL_ADMIN.value])


@pytest.fixture
def partner_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def demo_data(db):
    """The demo data of the specification (Contoso, Fabrikam, staff)."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def contoso_client(client, contoso_admin):
    client.force_login(contoso_admin)
    return client


@pytest.fixture
def fabrikam_client(client, demo_data):
    from accounts.models import User

    client.force_login(User.objects.get(email="admin@fabrikam.example"))
    return client


@pytest.fixture
def staff(demo_data):
    """The demo's staff account (staff@partnerbenefits.example): the Django admin's user."""
    from accounts.models import User

    return User.objects.get(email="staff@partnerbenefits.example")


@pytest.fixture
def staff_client(client, staff):
    """The demo's staff account, signed in: the Django admin."""
    client.force_login(staff)
    return client


# --- The demo's objects (SPEC 5), by the names the specification gives them ---------------------


@pytest.fixture
def contoso(demo_data):
    """Contoso Partners, the demo organization with every kind of benefit."""
    from accounts.models import Organization

    return Organization.objects.get(mpn_id="4711001")


@pytest.fixture
def fabrikam(demo_data):
    """Fabrikam Solutions, the other demo organization."""
    from accounts.models import Organization

    return Organization.objects.get(mpn_id="4711002")


@pytest.fixture
def contoso_admin(demo_data):
    """Contoso's Global admin, admin@contoso.example."""
    from accounts.models import User

    return User.objects.get(email="admin@contoso.example")


@pytest.fixture
def monthly_credit(contoso):
    """Contoso's Azure monthly credit: 2 seats, people added and removed at any time."""
    return contoso.benefits.get(product__name__startswith="Azure monthly credit")


@pytest.fixture
def bulk_credit(contoso):
    """Contoso's Azure bulk credit: 1 seat, transferred, never removed."""
    return contoso.benefits.get(product__name__startswith="Azure bulk credit")


@pytest.fixture
def office_benefit(contoso):
    """Contoso's Office 365 E3 benefit: license-based, with three keys."""
    return contoso.benefits.get(product__name="Office 365 E3")


@pytest.fixture
def office_subscription(office_benefit):
    """Contoso's Office 365 E3 subscription, which its keys extend or add licenses to."""
    from benefits.models import Subscription

    subscription = Subscription.objects.filter(
        tenant__organization=office_benefit.organization, product=office_benefit.product
    ).first()
    assert subscription is not None
    return subscription


def invitation_with_link(admin, email: str, token: str, *, language: str = "en", roles=()):
    """An invitation to ``admin``'s organization, made as the Team page makes it, whose link
    holds ``token``: the token the mail carried can't be read back."""
    from accounts.models import Invitation
    from benefits.services import team

    invitation = team.invitation_create(
        organization=admin.organization,
        email=email,
        roles=list(roles),
        language=language,
        actor=admin,
    )
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=team.token_hash(token))
    return invitation


def directory_user(name: str):
    """The demo directory user with this display name ("Adele Vance")."""
    from accounts.models import DirectoryUser

    return DirectoryUser.objects.get(display_name=name)


def url(name: str, *args, query: dict | None = None) -> str:
    """reverse() for the tests: the address of a named page, with its query string if any."""
    from urllib.parse import urlencode

    from django.urls import reverse

    address = reverse(name, args=args)
    return f"{address}?{urlencode(query)}" if query else address


def refusal(call) -> str:
    """The message of the ValidationError that ``call()`` must raise."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        call()
    return " ".join(error.value.messages)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with empty caches: rate-limit counters and cached tables of one
    test never reach another."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _no_pages_said():
    """Every test starts with no organization said changed: a test whose transaction rolled
    back (pytest-django's ``db``) leaves its organizations for the thread's next commit."""
    from common import pagecache

    pagecache._said.ids.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the portal's default language: a test that activated French (the
    French walk) must not leave its worker answering the next test in French."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
