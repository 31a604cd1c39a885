"""Helpers every app shares and that know no app: htmx rendering, page numbers, rate limits, the
Redis cache client and the page cache. Nothing here imports ``accounts``, ``benefits`` or
``partnerbenefits``: imports point down, from the project to the apps to these helpers."""
