"""No request a client can send gets a 5xx or leaves a traceback in the log.

Hypothesis draws requests to every URL pattern the site routes (its own,
allauth's and the admin's), as a visitor, a learner and staff: any method,
garbage and truncated bodies, wrong content types and charsets, invalid
UTF-8 and NUL bytes in path, query and body, huge and repeated fields, and
htmx's headers on every view. Half of the writes carry a valid CSRF token, so
they reach the views rather than stopping at the CSRF check. Each request goes
through the real WSGI application (the guard, every middleware, the error
views), as gunicorn would send it.

Derandomised: every run tries the same few thousand requests, so a failure
here is reproducible and CI never fails by luck; a new case is added by
widening a strategy.
"""

import logging
import re
from urllib.parse import quote_from_bytes

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.helpers import make_user, wsgi
from tracker.models import Phase, Subtopic, Topic

EXAMPLES_PER_CAST = int(__import__("os").environ.get("FUZZ_EXAMPLES", 700))
CSRF_TOKEN = "f" * 32
# Drawn as a short marker, sent as a field larger than the 256 KB Django reads.
HUGE = "<a 300 KB value>"
CONVERTER = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>")

# Text as it arrives in a WSGI environ: UTF-8 bytes read as Latin-1, so any
# code point, and bytes that are not UTF-8 at all.
odd_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "a\x00b", "%00", "..", "../../etc/passwd", "\u202e", "é", " "]),
    st.binary(max_size=20).map(lambda raw: raw.decode("latin-1")),
)


def wsgi_text(text):
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def percent(text):
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


def routes():
    """(route parts) for every pattern: literal strings and parameter kinds."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, [*prefix, entry.pattern])
            elif isinstance(entry, URLPattern):
                found.append([*prefix, entry.pattern])

    walk(get_resolver().url_patterns, [])
    return found


def known_values():
    """Real slugs and ids, so many requests hit a page that exists."""
    return {
        "slug": [*Phase.objects.values_list("slug", flat=True)[:3], "no-such-slug"],
        "int": [
            *Subtopic.objects.values_list("pk", flat=True)[:3],
            *Topic.objects.values_list("pk", flat=True)[:2],
            0,
            2**63,
        ],
        "username": ["ada", "staff", "nobody"],
    }


def parameter(kind, known):
    if kind in known:
        return st.one_of(
            st.sampled_from([str(value) for value in known[kind]]), odd_text.map(percent)
        )
    return odd_text.map(percent)


def pattern_path(pattern, known):
    """A strategy for one part of a route, drawn as a client would write it."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        pieces = []
        position = 0
        for match in CONVERTER.finditer(route):
            pieces.append(st.just(route[position : match.start()]))
            pieces.append(parameter(match["kind"] or "str", known))
            position = match.end()
        pieces.append(st.just(route[position:]))
        return st.tuples(*pieces).map("".join)
    regex = pattern.regex.pattern.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    return st.from_regex(regex, fullmatch=True, alphabet=st.characters(codec="utf-8")).map(
        lambda text: "".join(percent(char) if not char.isascii() else char for char in text)
    )


def paths(known):
    per_route = [
        st.tuples(*(pattern_path(part, known) for part in route)).map("".join) for route in routes()
    ]
    tail = st.sampled_from(["", "", "", "%00", "%ff", "x", "/../"])
    return st.tuples(st.one_of(per_route), tail).map(lambda parts: "/" + parts[0] + parts[1])


def unquote_path(path):
    # PATH_INFO is the decoded path, as Latin-1 text of its bytes.
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(path).decode("latin-1")


fields = st.lists(
    st.tuples(
        st.one_of(
            st.sampled_from(
                [
                    "status",
                    "mark",
                    "mark_topic",
                    "save",
                    "done",
                    "next",
                    "csrfmiddlewaretoken",
                    "login",
                    "password",
                    "email",
                    "username",
                    "q",
                    "show",
                    "term",
                    "theme",
                    "file",
                    "confirm",
                    "is_public",
                    "display_name",
                    "prefix",
                    "action",
                    "_selected_action",
                ]
            ),
            odd_text,
        ),
        st.one_of(
            st.sampled_from(
                [
                    "done",
                    "learning",
                    "skipped",
                    "pending",
                    "1:done",
                    "on",
                    "true",
                    "/",
                    "//evil.example",
                    HUGE,
                ]
            ),
            odd_text,
        ),
    ),
    max_size=6,
)
CONTENT_TYPES = [
    "",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data",
    "application/json",
    "text/plain; charset=rot13",
    "text/plain; charset=base64",
    "text/plain; charset=no-such-thing",
    "text/html; charset=\x00",
]


def sized(value):
    return "x" * 300_000 if value == HUGE else value


def encode_form(pairs):
    pairs = [(key, sized(value)) for key, value in pairs]
    return "&".join(f"{percent(key)}={percent(value)}" for key, value in pairs).encode("latin-1")


def encode_multipart(pairs):
    parts = [
        f'--fuzz\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{sized(value)}\r\n'
        for key, value in pairs
    ]
    return ("".join(parts) + "--fuzz--\r\n").encode("utf-8", "surrogatepass")


def truncated(body_and_length):
    body, length = body_and_length
    return body[:length]


bodies = st.one_of(
    st.just(b""),
    st.binary(max_size=200),
    fields.map(encode_form),
    fields.map(encode_multipart),
    # Truncated: a form or a multipart body cut anywhere.
    st.tuples(fields.map(encode_multipart), st.integers(0, 200)).map(
        lambda pair: pair[0][: pair[1]]
    ),
    st.tuples(fields.map(encode_form), st.integers(0, 50)).map(lambda pair: pair[0][: pair[1]]),
)
queries = fields.map(lambda pairs: encode_form(pairs).decode("latin-1"))
htmx_headers = st.fixed_dictionaries(
    {},
    optional={
        "HX-Request": st.sampled_from(["true", "false", ""]),
        "HX-Current-URL": st.one_of(
            st.sampled_from(["http://[", "http://testserver/", "//evil.example/", ":::"]),
            odd_text.map(wsgi_text),
        ),
        "HX-Target": odd_text.map(wsgi_text),
        "HX-Trigger": odd_text.map(wsgi_text),
        "HX-Boosted": st.just("true"),
        "Accept-Encoding": st.sampled_from(["gzip", "br", "*", ""]),
        "Origin": st.sampled_from(["http://testserver", "http://evil.example", "null"]),
        "Host": st.sampled_from(["evil.example", "testserver:99999", "[::1", ""]),
    },
)


def requests(known):
    return st.fixed_dictionaries(
        {
            "method": st.sampled_from(["GET", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"]),
            "path": paths(known),
            "query": queries,
            "body": bodies,
            "content_type": st.sampled_from(CONTENT_TYPES),
            "headers": htmx_headers,
            "csrf": st.booleans(),
        }
    )


def session_cookie(user):
    """A signed-in session for `user`, stored as a sign-in would store it."""
    from importlib import import_module

    store: SessionBase = import_module(django_settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store["_auth_user_backend"] = django_settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{django_settings.SESSION_COOKIE_NAME}={store.session_key}"


def fuzz(cast, known, caplog):
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_CAST,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=requests(known))
    def one_request(request):
        cookies = []
        if cast is not None:
            # A fresh session each time: a drawn sign-out must not end the run.
            cookies.append(session_cookie(cast))
        headers = dict(request["headers"])
        if request["csrf"]:
            cookies.append(f"{django_settings.CSRF_COOKIE_NAME}={CSRF_TOKEN}")
            headers["X-CSRFToken"] = CSRF_TOKEN
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        caplog.clear()
        status, _, content = wsgi(
            request["method"],
            unquote_path(request["path"]),
            query=request["query"],
            body=request["body"],
            content_type=request["content_type"],
            headers=headers,
        )
        assert status < 500, (status, request, content[:500])
        tracebacks = [record for record in caplog.records if record.exc_info]
        assert not tracebacks, [record.getMessage() for record in tracebacks]

    with caplog.at_level(logging.WARNING):
        one_request()


@pytest.mark.parametrize("who", ["visitor", "learner", "staff"])
def test_no_request_gets_a_server_error(roadmap, who, caplog):
    learner = make_user("ada")
    staff = make_user("staff", staff=True)
    cast = {"visitor": None, "learner": learner, "staff": staff}[who]
    fuzz(cast, known_values(), caplog)
