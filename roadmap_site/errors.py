"""The site's own error pages, which never read the request's body.

Django's default error views are wrapped in requires_csrf_token, which runs
the CSRF check again and so reads request.POST again. When the body was what
failed (a form that is not UTF-8, too many fields), that second read raises
once more inside the error view, then inside the 500 view, and the client
gets the WSGI server's bare 500. These views render the same templates
without that wrapper; the `csrf` context processor still gives a signed-in
page its token, from the cookie alone.

A database outage is not a bug: the 500 handler answers it with a 503 page
that needs no query to render (templates/503.html, without context
processors), and logging.py keeps the log to one line per request.
"""

import sys

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from roadmap_site.outage import RETRY_AFTER_SECONDS, is_database_outage


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the reason goes to the log (django.security.csrf), not the page."""
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Plain templates only: whatever failed may be what a context processor needs."""
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable()
    return HttpResponseServerError(loader.render_to_string("500.html"))


def database_unavailable():
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
