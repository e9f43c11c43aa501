"""One line in the log per failed request, with a traceback only for a bug.

Django logs every request that ends in an error, with the exception's
traceback: a 500 on django.request, and also each 400 it answers itself (a
form body that is not UTF-8, too many fields, a disallowed Host: those on
django.security.<exception>). A client's malformed request is not a bug in
the site, and a database outage is not either (roadmap_site/outage.py); a
traceback for each buries the ones that are. This filter keeps the record's
message and drops its traceback for both, and rewrites an outage into one
line that says so. A 500 from anything else keeps its traceback.
"""

import logging

from django.core.exceptions import SuspiciousOperation


def request_loggers():
    """The loggers Django reports failed requests on (django.request, django.security.*)."""
    names = ["django.request", "django.security.csrf"]
    pending = [SuspiciousOperation]
    while pending:
        kind = pending.pop()
        names.append(f"django.security.{kind.__name__}")
        pending.extend(kind.__subclasses__())
    return names


class OneLinePerFailedRequest(logging.Filter):
    def filter(self, record):
        from roadmap_site.outage import is_database_outage

        exception = record.exc_info[1] if record.exc_info else None
        if exception is None:
            return True
        if is_database_outage(exception):
            request = getattr(record, "request", None)
            where = f"{request.method} {request.path}" if request is not None else "a request"
            first_line = (str(exception).strip().splitlines() or [type(exception).__name__])[0]
            record.msg = "Database unavailable, answered 503: %s (%s)"
            record.args = (where, first_line)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        elif getattr(record, "status_code", 500) >= 500:
            return True
        record.exc_info = None
        record.exc_text = None
        return True
