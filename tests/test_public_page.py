"""A learner's public progress page at /u/<username>/."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.helpers import (
    XSS_NAMES,
    assert_copy_field,
    assert_every_control_labelled,
    assert_nothing_the_csp_forbids,
    description_list,
    document,
    element_by_id,
    find_all,
    find_one,
    make_user,
    publish,
    subtopic_items,
    tick,
    without_request_tokens,
)
from tracker.models import Progress, Subtopic


def page_url(username="ada"):
    return reverse("accounts:public", args=[username])


def meta(html, key):
    """The content of <meta name=key> or <meta property=key>."""
    found = re.search(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)">', html)
    return found and found[1]


def marks(html, status):
    """The words of every read-only mark showing `status`."""
    return [mark.text for mark in find_all(html, "span", class_=f"mark-{status}")]


def learning_since(html):
    """The date in the header's "Learning since <date>"."""
    lead = find_one(html, "p", class_="lead")
    assert lead.text.startswith("Learning since ")
    return lead.find_one("time").attrs["datetime"]


# Who sees what


def test_a_public_page_shows_the_learners_marks_read_only(client, learner, roadmap):
    publish(learner)
    done = tick(learner, 3)
    learning = Subtopic.objects.get(title="Bayes' theorem")
    Progress.objects.create(user=learner, subtopic=learning, status="learning")

    response = client.get(page_url())

    assert response.status_code == 200
    html = response.content.decode()
    page = document(html)
    assert len(subtopic_items(page)) == 210
    for subtopic in done:
        assert element_by_id(page, f"subtopic-{subtopic.pk}").classes == {"subtopic", "status-done"}
    learning_item = element_by_id(page, f"subtopic-{learning.pk}")
    assert learning_item.classes == {"subtopic", "status-learning"}
    assert marks(page, "done") == ["✓ done"] * 3
    assert marks(page, "learning") == ["learning"]
    # Read-only: no checkboxes, no forms that would write progress.
    assert 'type="checkbox"' not in html
    assert page.find_one("main").find_all("form") == []
    assert "/progress/" not in html


def test_it_shows_overall_and_per_phase_bars_and_counts(client, learner, roadmap):
    publish(learner)
    tick(learner, 21)  # the first 21 subtopics all lie in phase 1

    html = client.get(page_url()).content.decode()

    overall = element_by_id(html, "overall-progress")
    assert overall.find_one("strong", class_="percent").text == "10%"
    assert "21 done" in overall.text
    assert "210 total" in overall.text
    phase = roadmap.phases.order_by("order").first()
    counter = element_by_id(html, f"phase-{phase.pk}-progress")
    assert (counter.tag, counter.classes) == ("div", {"progress-phase", "meter"})
    assert "hx-swap-oob" not in counter.attrs
    summary = find_one(html, "section", aria_labelledby="phases-title")
    assert len(summary.find_all("progress")) == 6
    assert summary.find_all("a", href=f"#{phase.slug}")


def test_it_says_when_the_learner_started_from_their_first_tick(client, learner, roadmap):
    publish(learner)
    tick(learner, 2)
    started = timezone.now() - timedelta(days=40)
    Progress.objects.filter(pk=Progress.objects.first().pk).update(created_at=started)

    html = client.get(page_url()).content.decode()

    assert learning_since(html) == f"{started:%Y-%m-%d}"


def test_without_progress_it_says_the_learner_started_when_they_joined(client, learner, roadmap):
    publish(learner)
    joined = timezone.localtime(learner.date_joined)

    html = client.get(page_url()).content.decode()

    assert learning_since(html) == f"{joined:%Y-%m-%d}"


def test_it_shows_the_learners_activity(client, learner, roadmap):
    publish(learner)
    tick(learner, 4)

    html = client.get(page_url()).content.decode()

    heading = element_by_id(html, "activity-title")
    assert (heading.tag, heading.text) == ("h2", "Activity")
    activity = find_one(html, "section", class_="activity")
    assert description_list(activity)["Completions in the last year"] == "4"


@pytest.mark.parametrize("viewer", ["anonymous", "other learner"])
def test_a_private_page_is_not_found(client, learner, other_learner, roadmap, viewer):
    publish(learner, public=False)
    if viewer == "other learner":
        client.force_login(other_learner)

    assert client.get(page_url()).status_code == 404


def test_a_learner_who_never_saved_settings_is_private(client, learner, roadmap):
    assert not hasattr(learner, "profile")
    assert client.get(page_url()).status_code == 404


def test_an_inactive_learners_page_is_not_found(client, learner, roadmap):
    publish(learner)
    learner.is_active = False
    learner.save()

    assert client.get(page_url()).status_code == 404


def test_a_private_page_and_an_unknown_name_give_the_same_404(client, learner, roadmap):
    publish(learner, public=False)

    private = client.get(page_url("ada"))
    unknown = client.get(page_url("nobody-here"))

    assert private.status_code == unknown.status_code == 404
    assert [t.name for t in private.templates] == [t.name for t in unknown.templates]
    assert without_request_tokens(private.content.decode()) == without_request_tokens(
        unknown.content.decode()
    )


def test_the_username_must_match_exactly(client, learner, roadmap):
    publish(learner)

    assert client.get(page_url("ADA")).status_code == 404
    assert client.get(page_url("ada")).status_code == 200


def test_the_owner_previews_their_private_page_with_a_banner(learner_client, learner, roadmap):
    tick(learner, 2)

    response = learner_client.get(page_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Only you can see this page.</strong>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert reverse("accounts:settings") in html
    # Nothing to share while private.
    assert 'id="share-url"' not in html
    assert marks(html, "done") == ["✓ done"] * 2


def test_the_owner_of_a_public_page_is_told_it_is_public(learner_client, learner, roadmap):
    publish(learner)

    html = learner_client.get(page_url()).content.decode()

    assert "This is your public page, as anyone with the link sees it." in html
    assert "Only you can see this page." not in html
    assert "noindex" not in html


def test_it_only_answers_get_and_head(client, learner, roadmap):
    publish(learner)

    assert client.head(page_url()).status_code == 200
    assert client.post(page_url()).status_code == 405


def test_a_new_username_works_at_once_and_the_old_one_is_gone(client, learner, roadmap):
    publish(learner)
    learner.username = "ada-lovelace"
    learner.save()

    assert client.get(page_url("ada")).status_code == 404
    assert client.get(page_url("ada-lovelace")).status_code == 200


# Nothing private, everything escaped


@pytest.mark.parametrize("viewer", ["anonymous", "other learner", "owner"])
def test_it_never_shows_the_learners_email_or_account_links(
    client, learner, other_learner, roadmap, viewer
):
    publish(learner, "Ada L.")
    tick(learner, 5)
    if viewer != "anonymous":
        client.force_login(learner if viewer == "owner" else other_learner)

    html = client.get(page_url()).content.decode()

    assert learner.email not in html
    assert "@example.com" not in html
    # The learner's own account pages are linked from nowhere on their page.
    for name in ("account_email", "account_change_password", "accounts:delete"):
        assert reverse(name) not in html
    assert learner.password not in html


@pytest.mark.parametrize("name", XSS_NAMES)
def test_a_display_name_is_escaped_in_the_page_title_and_meta(client, learner, roadmap, name):
    publish(learner, name)

    html = client.get(page_url()).content.decode()

    assert name not in html
    assert "<img src=x" not in html
    assert "<script>alert" not in html
    headline = f"{escape(name)} is 0% through the Complete AI Engineer Roadmap"
    assert f"<h1>{headline}</h1>" in html
    assert f"<title>{headline} · Roadmap tracker</title>" in html
    assert meta(html, "og:title") == headline
    assert meta(html, "twitter:title") == headline
    assert meta(html, "og:description").startswith(escape(name))


def test_the_page_has_nothing_the_csp_forbids_and_every_control_labelled(client, learner, roadmap):
    publish(learner)

    response = client.get(page_url())

    assert_nothing_the_csp_forbids(response)
    assert_every_control_labelled(response)
    script = find_one(response, "script", src="/static/js/share.js")
    assert script.attrs["nonce"]
    assert "defer" in script.attrs


# Sharing: meta for link previews, and the link itself


def test_it_has_a_title_description_open_graph_and_twitter_card(client, learner, roadmap):
    publish(learner, "Ada")
    tick(learner, 88)

    html = client.get(page_url()).content.decode()

    headline = "Ada is 41% through the Complete AI Engineer Roadmap"
    assert f"<title>{headline} · Roadmap tracker</title>" in html
    description = meta(html, "description")
    assert description.startswith("Ada has completed 88 of 210 items of the Complete AI")
    assert meta(html, "og:type") == "profile"
    assert meta(html, "og:title") == headline
    assert meta(html, "og:description") == description
    assert meta(html, "og:url") == "http://testserver/u/ada/"
    assert meta(html, "profile:username") == "ada"
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "twitter:title") == headline
    assert meta(html, "twitter:description") == description
    assert '<link rel="canonical" href="http://testserver/u/ada/">' in html
    # Crawlers refuse SVG previews, and the badge is the only image there is.
    assert meta(html, "og:image") is None
    assert html.count('<meta name="description"') == 1


def test_the_display_name_falls_back_to_the_username(client, learner, roadmap):
    publish(learner, "")

    html = client.get(page_url()).content.decode()

    assert "<h1>ada is 0% through the Complete AI Engineer Roadmap</h1>" in html


def test_the_share_control_shows_the_link_in_a_labelled_read_only_field(client, learner, roadmap):
    publish(learner)

    response = client.get(page_url())

    # The copy button is revealed by share.js: without JavaScript it would do nothing.
    assert_copy_field(
        response,
        "share-url",
        label="Link to this page",
        value="http://testserver/u/ada/",
        button="Copy link",
    )


# Query budget

# The learner, the roadmap, its four levels of content, the statuses, the
# first tick and the activity; the owner adds the session and their user.
QUERY_BUDGET = {"anonymous": 9, "owner": 11}


@pytest.mark.parametrize("viewer", ["anonymous", "owner"])
def test_the_page_runs_a_fixed_number_of_queries(
    learner, roadmap, viewer, django_assert_max_num_queries
):
    publish(learner)
    browser = Client()
    if viewer == "owner":
        browser.force_login(learner)
    with django_assert_max_num_queries(QUERY_BUDGET[viewer]) as empty:
        assert browser.get(page_url()).status_code == 200

    tick(learner, 210)
    with django_assert_max_num_queries(QUERY_BUDGET[viewer]) as full:
        response = browser.get(page_url())

    assert b"210 done" in response.content
    assert len(full) == len(empty)


def test_the_owners_private_preview_runs_a_fixed_number_of_queries(
    learner, roadmap, django_assert_max_num_queries
):
    browser = Client()
    browser.force_login(learner)
    # As for the owner of a public page, plus looking up the (missing) profile.
    with django_assert_max_num_queries(QUERY_BUDGET["owner"] + 1) as empty:
        assert browser.get(page_url()).status_code == 200

    tick(learner, 210)
    with django_assert_max_num_queries(QUERY_BUDGET["owner"] + 1) as full:
        assert browser.get(page_url()).status_code == 200

    assert len(full) == len(empty)


def test_another_learners_page_is_unaffected_by_the_viewers_progress(client, learner, roadmap):
    publish(learner)
    grace = make_user("grace")
    tick(grace, 10)
    client.force_login(grace)

    html = client.get(page_url()).content.decode()

    assert "0 done" in html
    assert "✓ done" not in html


def test_it_links_no_phase_page_that_would_show_the_visitors_own_marks(client, learner, roadmap):
    publish(learner)
    html = client.get(reverse("accounts:public", args=[learner.username])).content.decode()
    assert "on its own page" not in html
    assert reverse("tracker:phase", args=[roadmap.phases.first().slug]) not in html
