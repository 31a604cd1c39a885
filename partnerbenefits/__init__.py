# The Celery app is loaded with Django, so that tasks (shared_task) bind to it.
from partnerbenefits.celery import app as celery_app

__all__ = ["celery_app"]
