"""Telling a database outage from a bug, and logging it as one line.

An OperationalError or InterfaceError is what the driver raises when the
server is down, restarting or refusing connections: the request could not be
served now, but nothing in the code is wrong. Django logs every failed
request with its traceback; during a five-second outage that is hundreds of
identical tracebacks that bury anything else. roadmap_site/request_log.py
rewrites those records into one line each (method, path, the driver's first
line), and the 500 handler (roadmap_site/errors.py) answers 503 with
Retry-After. Django reconnects by itself on the next request once the server
is back.
"""

from django.db import InterfaceError, OperationalError

# Long enough for a restart; short enough that a reader retrying by hand is not kept waiting.
RETRY_AFTER_SECONDS = 5


def is_database_outage(exception):
    """Whether `exception`, or what it was raised from, says the database is unreachable."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False
