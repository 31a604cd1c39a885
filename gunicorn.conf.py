"""gunicorn's settings for the portal, read from the working directory at start-up.

The access log goes to standard output (GUNICORN_ACCESS_LOG names a file instead; an empty value
turns it off) and each line ends with the request's id — the X-Request-ID the portal answers
with, also in every log line the request wrote — so one request can be followed from the proxy
to the error. The request line holds the path and query string: the portal puts no secret in
either (a product key only travels in POST bodies).

Workers: (2 × CPUs) + 1 processes, counting the CPUs this process may run on
(``WEB_CONCURRENCY`` sets another number: a container limited by a CPU quota rather than a CPU
set must say it), each serving one request at a time, as gunicorn's documentation advises
behind a buffering proxy. With Redis and Celery the portal's requests spend their time in
Python, not waiting (mails and webhooks leave from the workers): threads in one process would
take turns on one interpreter lock and stretch every request, so a request gets a process of
its own. On the two-CPU benchmark machine, 5 × 1 answered the API's redemptions with a p95 of
214–273 ms where 2 workers × 4 threads took 288–396 ms (docs/benchmark.md). Without Redis (one
process, tasks run in the request) give that process threads: ``--threads 4``.

A request may take up to ``timeout`` seconds (the largest key import, 100,000 rows, included)
before gunicorn replaces its worker, and as long to finish when the workers restart; give the
proxy's read timeout as long.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)) + 1)
threads = 1
timeout = 300
graceful_timeout = timeout

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms '
    "request_id=%({x-request-id}o)s"
)
