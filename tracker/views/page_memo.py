"""Signed-in pages kept whole, per everything they show, and compressed once.

A learner's roadmap, home or public page is a pure function of what the
view reads from the database (the content version, the learner's rows, their
plan and profile), of who is asking, of the address and of the day. Those
reads are the cheap part of a page: about a millisecond. Turning them into
170 KB of HTML and compressing it is the dear part, and a learner who moves
between their pages without ticking asks for the same bytes again.

So a view reads its inputs as always and hands them to `respond` with a
function that renders the page. The key is the inputs themselves, compared
by equality (not a digest that could collide), with the viewer's whole user
row and the address added here, so a kept page is only ever served for a
request that would have rendered the same bytes: no invalidation is needed,
and another learner, or a visitor, can never match a key that holds
someone's rows. What a page holds that must differ per response (the CSRF
token, the CSP nonce) is rendered as a stand-in and put in for each response.

Compression: the page is split at its stand-ins and each piece deflated on
its own, at the best level, once. A response is those pieces with that
response's values, each deflated by itself, between them, in one gzip
stream. This also is why BREACH does not apply: the one secret in the body
is compressed in a block of its own, never against text an attacker could
reflect into the page, and it is masked afresh for every response (Django's
CSRF masking); the gzip header still carries random-length padding, as
Django's does.

Entries are kept per process, least recently used first out, within
PAGE_MEMO_BYTES (settings; 0 turns the memo off).
"""

import re
import secrets
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.middleware.gzip import re_accepts_gzip
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from tracker.views.decorators import NONCE_STANDIN

# In place of the CSRF token while a kept page renders; never in content (NUL).
CSRF_STANDIN = "\x00csrf\x00"
LEVEL = 9
_FILLS = {CSRF_STANDIN.encode(): "csrf", NONCE_STANDIN.encode(): "nonce"}
_STANDINS = re.compile(b"(" + b"|".join(map(re.escape, _FILLS)) + b")")
# An empty final block: ends the deflate stream after the last piece.
_FINAL_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)
# Django's own (GZipMiddleware.max_random_bytes): "Heal The Breach" padding.
MAX_RANDOM_BYTES = 100
# Response headers that describe the body as sent, set again for each response.
_BODY_HEADERS = {"content-length", "content-encoding"}


def fingerprint(instance):
    """Every stored field of a model instance (None stays None): a key part."""
    if instance is None:
        return None
    fields = instance._meta.concrete_fields
    return (type(instance).__name__, *(getattr(instance, field.attname) for field in fields))


def respond(request, inputs, render):
    """`render()`'s response, or the page kept for the same `inputs` and viewer.

    `inputs` is a hashable of everything the view read that the page shows
    (`fingerprint` for model instances). `render` returns the response the
    view would give; only a 200 is kept.
    """
    if not _keepable(request):
        return render()
    key = (
        request.resolver_match.view_name if request.resolver_match else None,
        request.build_absolute_uri(),
        _htmx_key(request),
        fingerprint(request.user) if request.user.is_authenticated else None,
        timezone.get_current_timezone_name(),
        inputs,
    )
    page = _memo.get(key)
    if page is None:
        response = _render_with_standins(request, render)
        # Only a template's page has the stand-ins in it; anything else (a
        # redirect, a 404, a body made some other way) goes out as it is.
        if response.status_code != 200 or not isinstance(response, SimpleTemplateResponse):
            return _with_real_values(request, response)
        page = _KeptPage.of(response)
        _memo.put(key, page)
    return page.response(request)


def _keepable(request):
    return (
        _memo.budget > 0
        # Already rendering for a keeper (a visitor's page, tracker.views.decorators),
        # which wants the page itself, not one kept here.
        and getattr(request, "_csp_nonce", None) != NONCE_STANDIN
        and request.method in ("GET", "HEAD")
        and not len(messages.get_messages(request))
    )


def _htmx_key(request):
    htmx = request.htmx
    return (htmx.target, htmx.boosted) if htmx else None


def _render_with_standins(request, render):
    """The view's response rendered with the nonce's and the CSRF token's stand-ins."""
    nonce, request._csp_nonce = getattr(request, "_csp_nonce", None), NONCE_STANDIN
    try:
        response = render()
        if isinstance(response, SimpleTemplateResponse):
            # A view's context wins over the context processors', Django's csrf among them.
            response.context_data = {**(response.context_data or {}), "csrf_token": CSRF_STANDIN}
            response.render()
    finally:
        request._csp_nonce = nonce
    return response


def _with_real_values(request, response):
    """A response not kept (a 404, a redirect) goes out with the real token."""
    if not response.streaming:
        content = response.content.replace(NONCE_STANDIN.encode(), str(request._csp_nonce).encode())
        if CSRF_STANDIN.encode() in content:
            content = content.replace(CSRF_STANDIN.encode(), get_token(request).encode())
        response.content = content
    return response


@dataclass(frozen=True)
class _KeptPage:
    plain: tuple  # the page's bytes, split at each stand-in
    deflated: tuple  # each piece raw-deflated on its own and flushed to a byte boundary
    fills: tuple  # what goes between piece i and i + 1: "csrf" or "nonce"
    headers: tuple
    size: int

    @classmethod
    def of(cls, response):
        parts = _STANDINS.split(response.content)
        plain, fills = tuple(parts[::2]), tuple(_FILLS[standin] for standin in parts[1::2])
        headers = tuple((k, v) for k, v in response.items() if k.lower() not in _BODY_HEADERS)
        deflated = tuple(_deflate(piece) for piece in plain)
        size = sum(map(len, plain)) + sum(map(len, deflated))
        return cls(plain, deflated, fills, headers, size)

    def response(self, request):
        values = {}
        # Only a page with a form asks for the token (and so sets the CSRF cookie).
        if "csrf" in self.fills:
            values["csrf"] = get_token(request).encode()
        if "nonce" in self.fills:
            values["nonce"] = str(request._csp_nonce).encode()
        fills = [values[name] for name in self.fills]
        gzipped = bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
        body = self._gzipped(fills) if gzipped else b"".join(_interleave(self.plain, fills))
        response = HttpResponse(body)
        for name, value in self.headers:
            response[name] = value
        if gzipped:
            response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ("Accept-Encoding",))
        return response

    def _gzipped(self, fills):
        crc = 0
        for piece in _interleave(self.plain, fills):
            crc = zlib.crc32(piece, crc)
        length = sum(map(len, self.plain)) + sum(map(len, fills))
        padding = b"a" * secrets.randbelow(MAX_RANDOM_BYTES) + b"\x00"
        # gzip, deflate, the FNAME flag (the padding), no mtime, no extra flags, OS unknown.
        header = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff" + padding
        trailer = crc.to_bytes(4, "little") + (length & 0xFFFFFFFF).to_bytes(4, "little")
        # Each value deflated by itself: never in one window with the page's text.
        deflated_fills = [_deflate(value, level=1) for value in fills]
        body = _interleave(self.deflated, deflated_fills)
        return b"".join((header, *body, _FINAL_BLOCK, trailer))


def _interleave(pieces, fills):
    yield pieces[0]
    for fill, piece in zip(fills, pieces[1:], strict=True):
        yield fill
        yield piece


def _deflate(data, level=LEVEL):
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


class _Memo:
    """Least recently used pages within a byte budget, safe for threads."""

    def __init__(self):
        self.entries = OrderedDict()
        self.used = 0
        self.lock = threading.Lock()

    @property
    def budget(self):
        return settings.PAGE_MEMO_BYTES

    def get(self, key):
        with self.lock:
            page = self.entries.get(key)
            if page is not None:
                self.entries.move_to_end(key)
            return page

    def put(self, key, page):
        if page.size > self.budget:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.used -= old.size
            self.entries[key] = page
            self.used += page.size
            while self.used > self.budget:
                _, dropped = self.entries.popitem(last=False)
                self.used -= dropped.size

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.used = 0


_memo = _Memo()
clear = _memo.clear
