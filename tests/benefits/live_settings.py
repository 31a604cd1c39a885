"""The production settings for a gunicorn the tests start on loopback: plain HTTP, the source
static files, and the fast password hasher the test data was written with."""

from partnerbenefits.settings import *  # noqa: F403
from partnerbenefits.settings import STORAGES

SECURE_SSL_REDIRECT = False
# Over plain HTTP a client sends no cookie marked Secure: the session would be lost.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
