import gzip
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

from tracker.content import versioning


def login_required_htmx(view):
    """login_required that also sends htmx requests to the sign-in page.

    A plain redirect would be followed by htmx inside the page and the login
    form swapped into a list item; HX-Redirect makes the browser navigate.
    """
    plain = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.htmx and not request.user.is_authenticated:
            back = current_path(request) or request.get_full_path()
            login = redirect_to_login(back)
            return HttpResponseClientRedirect(login.url)
        return plain(request, *args, **kwargs)

    return wrapper


def current_path(request):
    """The page the htmx request came from, if it is ours and can be parsed.

    HX-Current-URL is whatever the client sent: django-htmx parses it with
    urlsplit, which raises ValueError on a malformed address (`http://[`).
    """
    try:
        return request.htmx.current_url_abs_path
    except ValueError:
        return None


# Rendered in place of the per-request nonce in a page that is kept: a visitor's
# (removed) or a learner's (tracker.views.page_memo fills it in per response).
# NULs: never in content (Django's forms refuse them, PostgreSQL cannot store them).
NONCE_STANDIN = "\x00nonce\x00"


@dataclass(frozen=True)
class _StoredPage:
    html: bytes
    gzipped: bytes
    content_type: str

    def response(self, request):
        accepts_gzip = re_accepts_gzip.search(request.headers.get("Accept-Encoding", ""))
        response = HttpResponse(self.gzipped if accepts_gzip else self.html, self.content_type)
        if accepts_gzip:
            response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
        return response


def cached_for_visitors(view):
    """Serve a visitor the page as rendered once per content version and process.

    A visitor's roadmap is the same for everyone: no marks, no CSRF token
    (base.html sends one only to a signed-in learner), no messages, no
    nonce (its scripts are files of this origin, which the policy allows
    by 'self'). So it is kept whole, compressed once, and answered with one
    query, the content version. Anyone signed in, or with a message to see,
    or asking through htmx, or with a query string (a search: the key is the
    path alone) gets the view itself: nothing of theirs is ever kept, and
    what is kept is built only from a visitor's plain request.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _is_plain_visit(request):
            return view(request, *args, **kwargs)
        key = ("visitor-page", view.__module__, view.__name__, args, tuple(sorted(kwargs.items())))
        page = versioning.kept(
            versioning.current(), key, lambda: _store(view, request, args, kwargs)
        )
        return page.response(request)

    return wrapper


def _is_plain_visit(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.htmx
        and not request.GET
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def _store(view, request, args, kwargs):
    """Render the view for a visitor once, without a nonce; errors (a 404) propagate."""
    nonce, request._csp_nonce = getattr(request, "_csp_nonce", None), NONCE_STANDIN
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
    finally:
        request._csp_nonce = nonce
    html = response.content.replace(f' nonce="{NONCE_STANDIN}"'.encode(), b"")
    # No secret and nothing of anyone's in it, so no BREACH padding is needed:
    # the best compression, paid once.
    return _StoredPage(
        html, gzip.compress(html, compresslevel=9, mtime=0), response["Content-Type"]
    )
