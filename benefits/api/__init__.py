"""The portal's REST API (SPEC 11) under /api/v1/: the same selectors and services as the
screens, reached with bearer tokens. ``api`` is mounted in partnerbenefits/urls.py."""
