"""What the tests share: the cast's password and accounts, progress to show, and
assertions about pages read the way a user (or a browser) reads them.

Markup is checked through a parsed tree, not by matching strings, so an
assertion names what the user relies on (an id, a class that carries a state,
an attribute, the text) and survives a template's spacing or attribute order.
Fixtures live in conftest.py; plain functions and constants live here.
"""

import io
import os
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html.parser import HTMLParser

import pytest
import redis
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from tracker.models import Progress, Subtopic

# The cast

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase 42"
XSS_NAMES = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
HTMX = {"HX-Request": "true"}


def make_user(username, *, staff=False, password=PASSWORD):
    """A user with a verified primary e-mail, as after a completed sign-up."""
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=password,
        is_staff=staff,
        is_superuser=staff,
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def admin_url(model, action, *args):
    """The admin's URL of `action` (changelist, add, change…) for a tracker model."""
    return reverse(f"admin:tracker_{model._meta.model_name}_{action}", args=args)


def sign_up(client, username="alan", email="alan@example.com", password=NEW_PASSWORD):
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": password, "password2": password},
    )


def is_signed_in(client):
    return "_auth_user_id" in client.session


# Profiles and progress


def publish(user, display_name="", *, public=True):
    Profile.objects.update_or_create(
        user=user, defaults={"display_name": display_name, "is_public": public}
    )


def tick(user, count, status=Progress.Status.DONE):
    """Give `user` `status` on the first `count` subtopics in roadmap order."""
    subtopics = Subtopic.objects.order_by(
        "topic__section__phase__order", "topic__section__order", "topic__order", "order", "id"
    )[:count]
    completed = timezone.now() if status != Progress.Status.LEARNING else None
    Progress.objects.bulk_create(
        [Progress(user=user, subtopic=s, status=status, completed_at=completed) for s in subtopics]
    )
    return list(subtopics)


def without_request_tokens(html):
    """The page with what differs per request (CSRF token, CSP nonce) blanked."""
    html = re.sub(r'"x-csrftoken": "[^"]+"', '"x-csrftoken": ""', html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'nonce="[^"]+"', 'nonce=""', html)


# Reading markup

# Elements that have no end tag, so nothing is ever inside them.
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
    | {"source", "track", "wbr"}
)
# Their content is code, not text anyone reads.
NOT_TEXT = frozenset({"script", "style"})


class Element:
    """One element: its tag, attributes (a boolean attribute's value is None),
    the elements inside it and its text, whitespace collapsed as a browser
    shows it."""

    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children = []
        self._text = []

    @cached_property
    def text(self):
        return " ".join(self.raw_text.split())

    @property
    def raw_text(self):
        """The text as written, whitespace kept: what a <textarea> holds."""
        return "".join(self._text)

    @cached_property
    def classes(self):
        return set((self.attrs.get("class") or "").split())

    def iter(self):
        """Every element inside this one, in document order."""
        for child in self.children:
            yield child
            yield from child.iter()

    def find_all(self, tag=None, **attrs):
        """Elements inside this one with `tag` (any if None) whose attributes
        match `attrs`: `aria_label=` means aria-label, `class_=` one of the
        classes, True any value, a compiled pattern a full match."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and all(element._matches(name, value) for name, value in wanted.items())
        ]

    def find_one(self, tag=None, **attrs):
        """The one element `find_all` finds; fails unless there is exactly one."""
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag or '*'} {attrs}> elements: {found[:5]}"
        return found[0]

    def _matches(self, name, value):
        if name not in self.attrs:
            return False
        if value is True:
            return True
        if name == "class":
            return value in self.classes
        if isinstance(value, re.Pattern):
            return value.fullmatch(self.attrs[name] or "") is not None
        return self.attrs[name] == value

    def __repr__(self):
        text = self.text
        return f"<{self.tag} {self.attrs}>{text[:60]}{'…' if len(text) > 60 else ''}"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = self._add(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self._add(tag, attrs)

    def handle_endtag(self, tag):
        # Close up to the innermost open element of this tag; a stray end tag
        # closes nothing.
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        # A script's code is its own raw_text, and no part of the page's text.
        holders = self.open[-1:] if self.open[-1].tag in NOT_TEXT else self.open
        for element in holders:
            element._text.append(data)

    def _add(self, tag, attrs):
        parent = self.open[-1]
        element = Element(tag, dict(attrs), parent)
        parent.children.append(element)
        return element


@lru_cache(maxsize=16)
def _parse(html):
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def document(source):
    """The parsed tree of a page or fragment: a response, its HTML as text,
    or an Element (returned as it is). Its children are the top-level elements."""
    if isinstance(source, Element):
        return source
    if hasattr(source, "content"):
        source = source.content
    if isinstance(source, bytes):
        source = source.decode()
    return _parse(source)


def elements(source):
    """Every element, in document order."""
    return list(document(source).iter())


def find_all(source, tag=None, **attrs):
    return document(source).find_all(tag, **attrs)


def find_one(source, tag=None, **attrs):
    return document(source).find_one(tag, **attrs)


def element_by_id(source, element_id):
    """The element with this id; fails unless exactly one has it."""
    return document(source).find_one(id=element_id)


def accessible_name(page, element):
    """The name a screen reader gives `element` on `page` (a document): its
    aria-labelledby's texts joined with spaces, else its aria-label, else
    its text, as the accessible name computation has it for these controls."""
    labelledby = element.attrs.get("aria-labelledby")
    if labelledby:
        return " ".join(page.find_one(id=ref).text.strip() for ref in labelledby.split())
    return element.attrs.get("aria-label") or element.text.strip()


# An item's controls have no ids of their own (outline.html#item): each is
# found in its item by what it is. The buttons' names start with these words.
ITEM_WORDS = {"learning": "w-learning", "skip": "w-skip"}


def item_control(source, pk, kind, prefix=""):
    """An item's checkbox ("tick"), in the outline or, with `prefix` "guide-",
    in a topic's guide; or its "learning" or "skip" button, which only a
    guide has."""
    item = element_by_id(source, f"{prefix}subtopic-{pk}")
    if kind == "tick":
        return item.find_one("input", type="checkbox")
    (button,) = [
        button
        for button in item.find_all("button")
        if button.attrs["aria-labelledby"].startswith(prefix + ITEM_WORDS[kind])
    ]
    return button


def item_mark(source, pk):
    """The state an outline item shows in words beside its checkbox ("Learning",
    "Skipped"), or "" when it shows none (done and not started need no word)."""
    marks = element_by_id(source, f"subtopic-{pk}").find_all(class_="mark")
    return " ".join(mark.text.strip() for mark in marks)


def first_element(source):
    """The first top-level element: the root of an htmx fragment."""
    top = document(source).children
    assert top, "no element at all"
    return top[0]


def description_list(source):
    """Each <dt>'s text with the text of the <dd> after it, in `source`."""
    terms, term = {}, None
    for element in document(source).iter():
        if element.tag == "dt":
            term = element.text
        elif element.tag == "dd" and term is not None:
            terms[term], term = element.text, None
    return terms


def subtopic_items(source):
    """The roadmap's items (<li id="subtopic-<pk>">) on a page."""
    return find_all(source, "li", class_="subtopic", id=re.compile(r"subtopic-\d+"))


def assert_copy_field(source, copy_id, *, label, value, button):
    """Text to copy (accounts/copy_field.html): a labelled read-only field that
    can be copied by hand, a Copy button that stays hidden until share.js
    reveals it, and a polite status saying what the button did."""
    assert find_one(source, "label", for_=copy_id).text == label
    field = element_by_id(source, copy_id)
    if field.tag == "textarea":
        assert field.raw_text == value
    else:
        assert (field.tag, field.attrs["type"], field.attrs["value"]) == ("input", "text", value)
    assert "readonly" in field.attrs
    copy = find_one(source, "button", data_copy=copy_id)
    assert (copy.attrs["type"], copy.text) == ("button", button)
    assert "hidden" in copy.attrs
    status = element_by_id(source, f"{copy_id}-status")
    assert "copy-status" in status.classes
    assert (status.attrs["role"], status.attrs["aria-live"]) == ("status", "polite")


# Pages in the site's layout


@dataclass
class Page:
    """What the layout, label and CSP checks look at."""

    tree: Element
    controls: list  # (tag, attrs) of every form control
    label_for: set
    scripts: list  # the attrs of every <script>
    attribute_names: set
    main_ids: list
    h1_count: int
    brand: str | None

    def unlabelled_controls(self):
        return [
            attrs
            for tag, attrs in self.controls
            if attrs.get("type") not in ("hidden", "submit")
            and attrs.get("id") not in self.label_for
        ]


def parse(response):
    tree = document(response)
    every = list(tree.iter())
    brand = tree.find_all("a", class_="brand")
    return Page(
        tree=tree,
        controls=[(e.tag, e.attrs) for e in every if e.tag in ("input", "select", "textarea")],
        label_for={e.attrs["for"] for e in every if e.tag == "label" and "for" in e.attrs},
        scripts=[e.attrs for e in every if e.tag == "script"],
        attribute_names={name for e in every for name in e.attrs},
        main_ids=[e.attrs.get("id") for e in every if e.tag == "main"],
        h1_count=sum(e.tag == "h1" for e in every),
        brand=brand[0].text if brand else None,
    )


def assert_in_site_layout(response):
    page = parse(response)
    assert page.brand == "Roadmap tracker"
    assert page.main_ids == ["main"]
    assert page.h1_count == 1
    title = page.tree.find_one("head").find_one("title").text
    assert re.fullmatch(r"\S.* · Roadmap tracker", title), title
    assert "base.html" in [t.name for t in response.templates]


def assert_every_control_labelled(response):
    assert parse(response).unlabelled_controls() == []


def assert_nothing_the_csp_forbids(response):
    page = parse(response)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])[1]
    assert "style" not in page.attribute_names
    assert not [a for a in page.attribute_names if a.startswith("on")]
    for script in page.scripts:
        if "src" in script:
            assert script["src"].startswith("/static/")
            assert script.get("nonce") == nonce
        else:
            # Only data blocks (allauth's JSON config) may be inline.
            assert script.get("type") == "application/json"


def assert_site_page(response):
    assert response.status_code == 200
    assert_in_site_layout(response)
    assert_every_control_labelled(response)
    assert_nothing_the_csp_forbids(response)


# Requests as a WSGI server makes them


def wsgi(method="GET", path="/", *, query="", body=b"", content_type="", headers=None):
    """One request through the WSGI application; (status code, headers, body)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)),
    }
    if content_type:
        environ["CONTENT_TYPE"] = content_type
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"] = int(status.split()[0])
        started["headers"] = dict(response_headers)

    from roadmap_site.wsgi import application  # set up on first use, as a server would

    # As Django's test client does: the test's connection holds its
    # transaction, so the end of a request must not close it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started["status"], started["headers"], content


# A real Redis server for the tests that need one (CI runs one; so does this machine)

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip():
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {TEST_REDIS_URL}")
