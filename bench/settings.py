"""The production settings, plus one URL for the benchmark.

The benchmark serves the portal with ``DJANGO_SETTINGS_MODULE=bench.settings``; everything
else comes from the environment exactly as in production. The extra URL therefore never exists
in the portal's own URLconf.
"""

from partnerbenefits.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
