"""Starting the portal's settings in a fresh Python process, as a deployment starts them:
settings are read once, at start-up, from the environment, so each check needs a process of
its own (``run_python``, or ``manage`` for a management command)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "benefits.example.com",
}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """``code`` run with the production settings module and ``env``, and none of this
    process's Django, database or Redis variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    for name in ("REDIS_URL", "REDIS_PAGES_URL", "REDIS_TIMEOUT_SECONDS"):
        clean.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "partnerbenefits.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py`` with ``args``, as ``run_python`` runs code."""
    code = (
        "from django.core.management import execute_from_command_line;"
        f"execute_from_command_line(['manage.py', *{list(args)!r}])"
    )
    return run_python(code, **env)
