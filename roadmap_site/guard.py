"""A thin WSGI layer around Django for what Django cannot answer itself.

Django builds its request before any middleware runs, and a Content-Type
whose charset is a codec but not a text encoding (`charset=rot13`, `base64`)
makes that step raise LookupError as it decodes the query string: no
middleware or error view ever sees the request, and the WSGI server answers
with its bare 500. So the charset is checked here first, the way Django will
read it, and anything else that still escapes Django is answered 400 and
logged with its traceback (it is a bug to fix, but the client's request was
what set it off, and it must not look like an outage).
"""

import codecs
import logging

from django.utils.http import parse_header_parameters

logger = logging.getLogger(__name__)


class RequestGuard:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        problem = unreadable_charset(environ.get("CONTENT_TYPE", ""))
        if problem:
            return bad_request(start_response, problem)
        try:
            return self.application(environ, start_response)
        except Exception:
            logger.exception(
                "Request escaped Django: %s %s",
                environ.get("REQUEST_METHOD"),
                environ.get("PATH_INFO"),
            )
            return bad_request(start_response, "The request could not be read.")


def unreadable_charset(content_type):
    """Why the request's declared charset cannot be used to read it, or None."""
    _, params = parse_header_parameters(content_type)
    charset = params.get("charset")
    if charset is None:
        return None
    try:
        codec = codecs.lookup(charset)
    except (LookupError, ValueError):  # ValueError: a NUL byte in the name
        return f"Unknown charset {charset!r} in Content-Type."
    # The flag str.encode and bytes.decode check themselves: rot13, base64 and
    # the other bytes-to-bytes codecs are registered but are not text encodings.
    if not codec._is_text_encoding:
        return f"The charset {charset!r} in Content-Type is not a text encoding."
    return None


def bad_request(start_response, message):
    body = f"Bad request: {message}\n".encode()
    start_response(
        "400 Bad Request",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [body]
