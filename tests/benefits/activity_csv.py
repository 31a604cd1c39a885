"""Reading the activity log's CSV download as a client receives it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import cast

from django.http import StreamingHttpResponse
from django.urls import reverse

URL = reverse("activity_export")


def content_of(response) -> str:
    """The whole streamed file as text (its lines can be read once)."""
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(cast(Iterator[bytes], response.streaming_content)).decode("utf-8")


def rows_of(response) -> list[list[str]]:
    """Its rows, the byte order mark taken off the first."""
    return list(csv.reader(io.StringIO(content_of(response).removeprefix("\ufeff"))))
