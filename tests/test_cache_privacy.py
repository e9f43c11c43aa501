"""What is kept between requests never carries one person's page to another.

The outline's pieces are shared by every learner, and a visitor's whole page
by every visitor (tracker.progress.stamping, tracker.views.decorators): each
page must still show only its own viewer's marks, token and messages.
"""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.helpers import (
    HTMX,
    document,
    element_by_id,
    find_all,
    make_user,
    publish,
    subtopic_items,
    tick,
)
from tracker.models import Progress, Subtopic, Topic

ROADMAP = reverse("tracker:roadmap")
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
MARKED_STATES = ("status-done", "status-learning", "status-skipped")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def phase_url():
    return reverse("tracker:phase", args=[Topic.objects.get(title="Calculus").section.phase.slug])


def topic_url():
    topic = Topic.objects.select_related("section__phase").get(title="Calculus")
    return reverse("tracker:topic", args=[topic.section.phase.slug, topic.section.slug, topic.slug])


PAGES = {"roadmap": lambda: ROADMAP, "phase": phase_url, "topic": topic_url}


def states(response):
    """{item id: its status class} of every item on the page, outline or guide."""
    items = find_all(response, "li", class_="subtopic")
    return {item.attrs["id"]: (item.classes - {"subtopic"}).pop() for item in items}


def marked(response):
    """The items the page shows as anything but pending."""
    return {item: state for item, state in states(response).items() if state != "status-pending"}


def ticked(response):
    return [
        box.attrs["value"]
        for box in find_all(response, "input", type="checkbox", name="done", checked=True)
    ]


def overall(response):
    return element_by_id(response, "overall-progress").find_one("span", class_="counts").text


@pytest.fixture
def ada(learner, roadmap):
    """A learner with marks of every kind."""
    done = tick(learner, 5)
    learning = Subtopic.objects.get(title="Bayes' theorem")
    skipped = Subtopic.objects.get(title="Chain rule")
    Progress.objects.filter(user=learner, subtopic=skipped).delete()
    Progress.objects.create(user=learner, subtopic=learning, status="learning")
    Progress.objects.create(user=learner, subtopic=skipped, status="skipped")
    learner.marked = {s.pk for s in [*done, learning, skipped]}
    return learner


@pytest.fixture
def grace(other_learner, roadmap):
    """A learner without a mark."""
    return other_learner


def assert_a_visitors_page(response):
    assert response.status_code == 200
    html = response.content.decode()
    assert find_all(response, "input", type="checkbox") == []
    assert marked(response) == {}
    assert find_all(response, "span", class_="mark") == []
    assert "overall-progress" not in html
    assert re.search(r'id="(topic|section|phase)-\d+-progress"', html) is None
    assert "csrfmiddlewaretoken" not in html
    assert "x-csrftoken" not in html


def assert_no_marks(response):
    assert response.status_code == 200
    assert marked(response) == {}
    assert ticked(response) == []
    assert find_all(response, "button", aria_pressed="true") == []
    assert "is-complete" not in response.content.decode()


# Learners and visitors, one after the other


@pytest.mark.parametrize("page", PAGES)
def test_a_learner_then_another_and_a_visitor_see_none_of_the_first_ones_marks(ada, grace, page):
    url = PAGES[page]()
    first = signed_in(ada).get(url)
    assert marked(first)  # ada's marks are on her page, so the pieces exist
    assert ticked(first)

    theirs = signed_in(grace).get(url)
    assert_no_marks(theirs)
    assert overall(theirs).startswith("0 done · 0 learning · 0 skipped")
    assert_a_visitors_page(Client().get(url))


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_and_an_unmarked_learner_first_do_not_hide_a_learners_marks(ada, grace, page):
    url = PAGES[page]()
    assert_a_visitors_page(Client().get(url))
    assert_no_marks(signed_in(grace).get(url))

    mine = signed_in(ada).get(url)
    shown = {int(pk.rpartition("-")[2]) for pk in marked(mine)}
    on_page = {int(pk.rpartition("-")[2]) for pk in states(mine)}
    assert shown == ada.marked & on_page
    assert_a_visitors_page(Client().get(url))


def test_each_learner_sees_exactly_their_own_marks_whatever_the_order(ada, grace):
    grace_items = list(Subtopic.objects.order_by("-pk")[:3])
    for subtopic, status in zip(grace_items, ["done", "learning", "skipped"], strict=True):
        Progress.objects.create(user=grace, subtopic=subtopic, status=status)
    clients = {"ada": signed_in(ada), "grace": signed_in(grace), "visitor": Client()}
    expected = {
        who: {
            f"subtopic-{pk}": f"status-{status}"
            for pk, status in Progress.objects.filter(user=user).values_list("subtopic", "status")
        }
        for who, user in (("ada", ada), ("grace", grace))
    } | {"visitor": {}}
    for who in ["ada", "grace", "visitor", "grace", "ada", "visitor", "ada"]:
        assert marked(clients[who].get(ROADMAP)) == expected[who], who


def test_a_learners_counters_are_their_own_after_anothers(ada, grace):
    done = Progress.objects.filter(user=ada, status="done").count()
    expected = f"{done} done · 1 learning · 1 skipped · 210 total"
    assert overall(signed_in(ada).get(ROADMAP)) == expected
    page = signed_in(grace).get(ROADMAP)
    counters = find_all(page, "span", class_="counts")
    assert counters
    assert {c.text.partition(" done")[0] for c in counters} == {"0"}


def test_someones_public_page_leaves_anothers_roadmap_their_own(client, ada, grace):
    publish(ada)
    bayes = Subtopic.objects.get(title="Bayes' theorem")
    mine = Subtopic.objects.order_by("-pk").first()
    Progress.objects.create(user=grace, subtopic=mine, status="done")
    grace_client = signed_in(grace)
    grace_client.get(ROADMAP)

    public = grace_client.get(reverse("accounts:public", args=[ada.username]))

    assert public.status_code == 200
    assert marked(public) == {
        f"subtopic-{pk}": f"status-{status}"
        for pk, status in Progress.objects.filter(user=ada).values_list("subtopic", "status")
    }
    assert find_all(public, "input", type="checkbox") == []
    page = grace_client.get(ROADMAP)
    assert marked(page) == {f"subtopic-{mine.pk}": "status-done"}
    assert ticked(page) == [str(mine.pk)]
    assert states(page)[f"subtopic-{bayes.pk}"] == "status-pending"
    # Nor does a visitor's public page of ada change a visitor's roadmap.
    client.get(reverse("accounts:public", args=[ada.username]))
    assert_a_visitors_page(client.get(ROADMAP))


def test_a_learners_page_carries_their_own_csrf_token(ada, grace):
    signed_in(ada).get(ROADMAP)
    client = Client(enforce_csrf_checks=True)
    client.force_login(grace)
    page = client.get(ROADMAP)
    token = find_all(page, "input", name="csrfmiddlewaretoken")[0].attrs["value"]
    chain_rule = Subtopic.objects.get(title="Chain rule")
    data = {"mark": f"{chain_rule.pk}:done", "csrfmiddlewaretoken": token}
    assert client.post(reverse("tracker:mark"), data).status_code == 302
    assert Progress.objects.filter(user=grace, subtopic=chain_rule, status="done").exists()


def test_a_staff_members_page_leaves_a_visitors_without_the_admin_link(roadmap):
    staff = signed_in(make_user("curator", staff=True))
    assert reverse("admin:index") in staff.get(ROADMAP).content.decode()
    Client().get(ROADMAP)
    page = Client().get(ROADMAP).content.decode()
    assert reverse("admin:index") not in page
    assert "Sign out" not in page


def test_a_signed_in_learner_never_gets_the_visitors_copy(ada):
    Client().get(ROADMAP)
    page = signed_in(ada).get(ROADMAP)
    assert len(find_all(page, "input", type="checkbox", name="done")) == 210
    assert "csrfmiddlewaretoken" in page.content.decode()


# A visitor's stored page


def test_a_visitors_page_has_no_csrf_token_and_sets_no_csrf_cookie(ada):
    signed_in(ada).get(ROADMAP)  # a learner's page, with a token, first
    for _ in range(2):  # the first visitor's page is stored, the second served
        client = Client()
        response = client.get(ROADMAP)
        assert_a_visitors_page(response)
        assert settings.CSRF_COOKIE_NAME not in response.cookies
        assert settings.CSRF_COOKIE_NAME not in client.cookies
        assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_visitors_page_varies_by_cookie_and_encoding(client, roadmap):
    for headers in ({}, GZIP):
        client.get(ROADMAP, headers=headers)
        response = client.get(ROADMAP, headers=headers)
        vary = {name.strip().lower() for name in response["Vary"].split(",")}
        assert {"cookie", "accept-encoding"} <= vary


def test_the_gzipped_copy_is_the_plain_copy_compressed(client, roadmap):
    client.get(ROADMAP)
    plain = client.get(ROADMAP)
    compressed = client.get(ROADMAP, headers=GZIP)
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert int(compressed["Content-Length"]) == len(compressed.content)
    assert gzip.decompress(compressed.content) == plain.content
    assert len(subtopic_items(plain)) == 210


def test_a_client_that_does_not_take_gzip_gets_it_plain(client, roadmap):
    client.get(ROADMAP, headers=GZIP)  # stored by a client that takes gzip
    for headers in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "br"}):
        response = client.get(ROADMAP, headers=headers)
        assert "Content-Encoding" not in response
        assert response.content.lstrip().lower().startswith(b"<!doctype html>")


@pytest.mark.parametrize("first", ["HEAD", "GET"])
def test_head_answers_like_get_without_a_body(client, roadmap, first):
    if first == "HEAD":
        head = client.head(ROADMAP)
        get = client.get(ROADMAP)
    else:
        get = client.get(ROADMAP)
        head = client.head(ROADMAP)
    assert (head.status_code, get.status_code) == (200, 200)
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    # A copy stored for a HEAD is the whole page.
    assert len(subtopic_items(get)) == 210
    assert_a_visitors_page(get)


def test_an_unknown_phase_is_a_404_for_a_visitor_and_is_not_kept(client, roadmap):
    url = reverse("tracker:phase", args=["no-such-phase"])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(ROADMAP).status_code == 200


# Messages


def messages_cookie(*texts):
    storage = CookieStorage(RequestFactory().get("/"))
    return storage._encode([Message(constants.INFO, text) for text in texts])


def test_signing_out_shows_the_message_on_a_fresh_page_and_no_one_else_sees_it(ada):
    Client().get(ROADMAP)  # a visitor's copy is stored
    client = signed_in(ada)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    page = client.get(response.url)
    messages = [li.text for li in find_all(page, "li", class_="message")]
    assert messages == ["You have signed out."]
    assert_a_visitors_page(page)
    # Shown once: the next page is the stored copy, and no other visitor's has it.
    again = client.get(ROADMAP)
    assert find_all(again, "li", class_="message") == []
    assert find_all(Client().get(ROADMAP), "li", class_="message") == []


@pytest.mark.parametrize("stored_first", [True, False], ids=["stored", "not-stored-yet"])
def test_a_visitor_with_a_message_gets_it_and_it_is_never_kept(roadmap, stored_first):
    if stored_first:
        Client().get(ROADMAP)
    client = Client()
    client.cookies["messages"] = messages_cookie("Only for this visitor")
    page = client.get(ROADMAP, headers=GZIP)
    assert "Content-Encoding" not in page or page["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.content) if page.get("Content-Encoding") else page.content
    messages = [li.text for li in find_all(document(html.decode()), "li", class_="message")]
    assert messages == ["Only for this visitor"]
    for other in (Client().get(ROADMAP), Client().get(ROADMAP, headers=GZIP)):
        body = gzip.decompress(other.content) if other.get("Content-Encoding") else other.content
        assert b"Only for this visitor" not in body


# htmx requests are never served the stored page, nor stored


def test_a_visitors_drawer_is_the_fragment_and_the_page_stays_whole(client, roadmap):
    url = topic_url()
    headers = {**HTMX, "HX-Target": "drawer-content"}
    drawer = client.get(url, headers=headers)
    assert drawer.status_code == 200
    assert b"<html" not in drawer.content
    assert element_by_id(drawer, "guide-title").tag == "h2"
    page = client.get(url)
    assert b"<html" in page.content
    assert element_by_id(page, "guide-title").tag == "h1"
    again = client.get(url, headers=headers)
    assert b"<html" not in again.content
