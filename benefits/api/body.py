"""The API's reading of a request body: JSON, and a JSON object, or a refusal that says which.

ninja turns any failure of its parser into one 400 ("Cannot parse request body", in English);
``problems`` answers it with the refusal raised here (``BodyRefused``, the 400's cause) or, for
text that isn't JSON at all, ``BODY_UNREADABLE``.
"""

from __future__ import annotations

import json
import sys

from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from ninja.parser import Parser
from ninja.types import DictStrAny

BODY_NOT_AN_OBJECT = _(
    'The request body is JSON but not an object. Send the fields in braces: {"field": value}.'
)
BODY_NOT_UTF8 = _(
    "The request body is not UTF-8 text, which JSON must be. Send it encoded as UTF-8, with "
    "Content-Type: application/json."
)
NUMBER_TOO_LONG = _(
    "A number in the request body has more than %(limit)s digits, more than any field takes. "
    "Send ids and counts as the numbers they are."
)


class BodyRefused(ValueError):
    """A body that is JSON but not what any operation reads, with the message to answer."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ObjectBodyParser(Parser):
    def parse_body(self, request: HttpRequest) -> DictStrAny:
        try:
            data = json.loads(request.body)
        except json.JSONDecodeError:
            raise  # not JSON at all: BODY_UNREADABLE
        except UnicodeDecodeError as error:  # a ValueError too, but no number's fault
            raise BodyRefused(str(BODY_NOT_UTF8)) from error
        except ValueError as error:
            # The only other ValueError of json.loads: an integer longer than Python converts.
            limit = formats.number_format(sys.get_int_max_str_digits(), force_grouping=True)
            raise BodyRefused(str(NUMBER_TOO_LONG % {"limit": limit})) from error
        if not isinstance(data, dict):
            # ninja would look each field up in it and call every one of them missing.
            raise BodyRefused(str(BODY_NOT_AN_OBJECT))
        return data
