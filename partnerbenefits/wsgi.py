"""WSGI entry point, served by gunicorn in production (`gunicorn partnerbenefits.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerbenefits.settings")

application = get_wsgi_application()
