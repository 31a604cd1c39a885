"""gunicorn's settings for the portal, read from the working directory at start-up.

The access log goes to standard output (GUNICORN_ACCESS_LOG names a file instead; an empty value
turns it off) and each line ends with the request's id — the X-Request-ID the portal answers
with, also in every log line the request wrote — so one request can be followed from the proxy
to the error. The request line holds the path and query string: the portal puts no secret in
either (a product key only travels in POST bodies).
"""

import os

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms '
    "request_id=%({x-request-id}o)s"
)
