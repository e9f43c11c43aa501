"""Signed-in pages kept whole per everything they show (tracker/views/page_memo.py).

A kept page is served again only for a request that would render the same
bytes: the same viewer, address, content and rows. Everything per response
(the CSRF token, the CSP nonce) is put in for each response, and the gzip
stream built from the kept pieces is a valid one.
"""

import gzip
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import element_by_id, find_all, item_mark, make_user, publish, tick
from tracker.models import Progress, Subtopic, Topic
from tracker.views import page_memo

ROADMAP = reverse("tracker:roadmap")
HOME = reverse("tracker:home")
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def signed_in(user, **defaults):
    client = Client(**defaults)
    client.force_login(user)
    return client


def ticked(response):
    boxes = find_all(response, "input", type="checkbox", name="done", checked=True)
    return {int(box.attrs["value"]) for box in boxes}


def kept(response):
    """Whether the response came from a kept page: no template was rendered for it."""
    return response.status_code == 200 and not response.templates


def tokens(response):
    return set(TOKEN.findall(response.content.decode()))


@pytest.fixture
def ada(learner, roadmap):
    learner.marked = {item.pk for item in tick(learner, 7)}
    return learner


def test_the_second_load_is_the_kept_page_with_the_same_marks(ada):
    client = signed_in(ada)
    first = client.get(ROADMAP)
    second = client.get(ROADMAP)

    assert not kept(first)
    assert kept(second)
    assert ticked(first) == ticked(second) == ada.marked


def test_a_kept_page_costs_the_same_queries_as_rendering_it(ada, django_assert_num_queries):
    client = signed_in(ada)
    # The session with its user, and the version with the learner's rows.
    with django_assert_num_queries(2) as first:
        client.get(ROADMAP)
    with django_assert_num_queries(len(first.captured_queries)):
        assert kept(client.get(ROADMAP))


@pytest.mark.parametrize("first_viewer", ["ada", "grace", "visitor"])
def test_no_one_is_served_another_ones_kept_page(ada, other_learner, first_viewer):
    grace = other_learner
    grace_items = {item.pk for item in tick(grace, 2, Progress.Status.LEARNING)}
    clients = {"ada": signed_in(ada), "grace": signed_in(grace), "visitor": Client()}
    clients[first_viewer].get(ROADMAP)
    clients[first_viewer].get(ROADMAP)

    assert ticked(clients["ada"].get(ROADMAP)) == ada.marked
    grace_page = clients["grace"].get(ROADMAP)
    assert ticked(grace_page) == set()
    learning = find_all(grace_page, "li", class_="status-learning")
    assert {int(item.attrs["id"].removeprefix("subtopic-")) for item in learning} == grace_items
    assert all(item_mark(grace_page, pk) == "Learning" for pk in grace_items)
    assert ticked(clients["visitor"].get(ROADMAP)) == set()


def test_a_tick_shows_on_the_next_load(ada):
    client = signed_in(ada)
    client.get(ROADMAP)
    client.get(ROADMAP)
    item = Subtopic.objects.exclude(pk__in=ada.marked).order_by("pk").first()
    client.post(reverse("tracker:mark"), {"mark": f"{item.pk}:done"})

    assert ticked(client.get(ROADMAP)) == ada.marked | {item.pk}


def test_a_change_in_the_admin_shows_at_once(ada):
    client = signed_in(ada)
    client.get(ROADMAP)
    topic = Topic.objects.get(title="Calculus")
    topic.title = "Calculus, renamed"
    topic.save()

    page = client.get(ROADMAP)
    assert not kept(page)
    assert "Calculus, renamed" in page.content.decode()


def test_each_kept_response_has_its_own_token_and_it_works(ada):
    client = signed_in(ada, enforce_csrf_checks=True)
    client.get(ROADMAP)
    one, two = client.get(ROADMAP), client.get(ROADMAP)
    assert kept(one) and kept(two)
    assert len(tokens(one)) == len(tokens(two)) == 1
    assert tokens(one) != tokens(two)

    item = Subtopic.objects.exclude(pk__in=ada.marked).order_by("pk").first()
    token = tokens(two).pop()
    response = client.post(
        reverse("tracker:mark"), {"mark": f"{item.pk}:done", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Progress.objects.filter(user=ada, subtopic=item, status="done").exists()


def test_the_scripts_of_a_kept_page_carry_the_nonce_of_its_policy(ada):
    client = signed_in(ada)
    client.get(ROADMAP)
    page = client.get(ROADMAP)
    assert kept(page)
    nonce = re.search(r"'nonce-([^']+)'", page["Content-Security-Policy"])[1]
    scripts = find_all(page, "script")
    assert scripts
    assert {script.attrs.get("nonce") for script in scripts} == {nonce}


@pytest.mark.parametrize("url", [ROADMAP, HOME])
def test_a_kept_page_gzipped_is_a_valid_stream_of_the_same_page(ada, url):
    client = signed_in(ada)
    client.get(url)
    zipped, plain = client.get(url, headers=GZIP), client.get(url)
    assert kept(zipped) and kept(plain)
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert not plain.has_header("Content-Encoding")
    # gzip.decompress checks the stream's CRC and length against its trailer.
    html = gzip.decompress(zipped.content)
    same = TOKEN.sub("", re.sub(r'nonce="[^"]+"|"x-csrftoken": "[^"]+"', "", html.decode()))
    assert same == TOKEN.sub(
        "", re.sub(r'nonce="[^"]+"|"x-csrftoken": "[^"]+"', "", plain.content.decode())
    )
    assert len(zipped.content) < len(plain.content) / 5


def test_a_page_with_a_message_to_show_is_rendered_and_not_kept(ada):
    client = signed_in(ada)
    client.get(HOME)
    assert kept(client.get(HOME))
    client.post(reverse("tracker:plan"), {"hours_per_week": "3", "start_date": ""})

    with_message = client.get(HOME)
    assert not kept(with_message)
    assert "Plan saved: 3 hours a week." in with_message.content.decode()
    # Shown once: the next load has no message, and shows the new plan.
    after = client.get(HOME)
    assert "Plan saved" not in after.content.decode()
    assert "3 hours a week from" in after.content.decode()
    assert kept(client.get(HOME))


def test_the_public_page_shows_a_new_tick_of_its_owner_to_a_visitor(ada):
    publish(ada)
    url = reverse("accounts:public", args=[ada.username])
    visitor = Client()
    visitor.get(url)
    assert kept(visitor.get(url))
    item = Subtopic.objects.exclude(pk__in=ada.marked).order_by("pk").first()
    signed_in(ada).post(reverse("tracker:mark"), {"mark": f"{item.pk}:done"})

    page = visitor.get(url)
    assert not kept(page)
    marks = find_all(page, "li", class_="status-done")
    assert {int(li.attrs["id"].rpartition("-")[2]) for li in marks} == ada.marked | {item.pk}


def test_the_memo_stays_within_its_budget(roadmap, settings):
    page_memo.clear()
    settings.PAGE_MEMO_BYTES = 1_000_000
    for index in range(12):
        signed_in(make_user(f"learner{index}")).get(ROADMAP)
    assert 0 < page_memo._memo.used <= settings.PAGE_MEMO_BYTES
    assert len(page_memo._memo.entries) < 12


def test_a_budget_of_zero_keeps_nothing(ada, settings):
    settings.PAGE_MEMO_BYTES = 0
    client = signed_in(ada)
    client.get(ROADMAP)
    assert not kept(client.get(ROADMAP))


def test_an_unknown_phase_is_a_404_and_is_not_kept(ada):
    client = signed_in(ada)
    url = reverse("tracker:phase", args=["no-such-phase"])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert element_by_id(client.get(ROADMAP), "overall-progress")
