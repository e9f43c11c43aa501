"""The roadmap page and a phase's own page, read signed out or in."""

import gzip
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.helpers import (
    accessible_name,
    document,
    find_all,
    item_control,
    subtopic_items,
    tick,
)
from tracker.management.commands.bench import WEIGHT_TARGETS
from tracker.models import Progress, Subtopic, Topic


def test_it_shows_every_subtopic_to_a_visitor(client, roadmap):
    response = client.get(reverse("tracker:roadmap"))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(subtopic_items(html)) == 210
    assert f"<h1>{roadmap.title}</h1>" in html
    assert roadmap.intro in html
    assert "6 months" in html
    assert "Sign up" in html
    assert 'type="checkbox"' not in html


def test_it_shows_the_repaired_icons_and_text(client, roadmap):
    html = client.get(reverse("tracker:roadmap")).content.decode()
    tagline = find_all(html, "p", class_="tagline")[0]
    assert tagline.text == "🧠 Phase 1: Building Your Foundation"
    assert tagline.find_one("span", class_="phase-icon").text == "🧠"
    assert "DALL·E models" in html
    for damage in ("üß", "¬∑", "‚öô", "Ô∏", "üî"):
        assert damage not in html


def test_phases_sections_and_topics_have_headings_in_order(client, roadmap):
    html = client.get(reverse("tracker:roadmap")).content.decode()
    assert len(find_all(html, "h2", id=re.compile(r"phase-.*"))) == 6
    assert len(find_all(html, "h3", id=re.compile(r"section-.*"))) == 20
    assert len(find_all(html, "h4", id=re.compile(r"topic-.*"))) == 55
    first, last = html.index("Linear Algebra"), html.index("Access career opportunities")
    assert first < last


def test_the_table_of_contents_links_every_phase(client, roadmap):
    html = client.get(reverse("tracker:roadmap")).content.decode()
    for phase in roadmap.phases.all():
        assert f'href="#{phase.slug}"' in html
        assert reverse("tracker:phase", args=[phase.slug]) in html


def test_a_phase_has_a_page_of_its_own(client, roadmap):
    phase = roadmap.phases.get(order=2)
    response = client.get(reverse("tracker:phase", args=[phase.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{escape(phase.title)}</h1>" in html
    assert "DALL·E models" in html
    assert "Linear Algebra" not in html
    expected = Subtopic.objects.filter(topic__section__phase=phase).count()
    assert len(subtopic_items(html)) == expected


def test_an_unknown_phase_is_a_friendly_404(client, roadmap):
    response = client.get(reverse("tracker:phase", args=["no-such-phase"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Back to the roadmap" in response.content.decode()


def test_an_empty_site_is_a_404_not_a_500(client, db):
    assert client.get(reverse("tracker:roadmap")).status_code == 404


def test_a_learner_sees_checkboxes_and_counts(learner_client, learner, roadmap):
    subtopic = Subtopic.objects.get(title="Chain rule")
    Progress.objects.create(user=learner, subtopic=subtopic, status="done")
    html = learner_client.get(reverse("tracker:roadmap")).content.decode()
    assert html.count('type="checkbox" name="done"') == 210
    assert "checked" in item_control(html, subtopic.pk, "tick").attrs
    assert 'id="overall-progress"' in html
    assert "1 done" in html
    assert "210 total" in html


def test_every_control_has_a_label(learner_client, roadmap):
    page = document(learner_client.get(reverse("tracker:roadmap")))
    checkboxes = page.find_all("input", type="checkbox", name="done")
    assert len(checkboxes) == 210
    for checkbox in checkboxes:
        # Its label wraps it, so the label's text names it.
        assert checkbox.parent.tag == "label"
        assert checkbox.parent.text.strip()
    # Learning and Skip are the topic guide's (tests/test_topic_page.py): none here.
    assert page.find_all("button", name="mark") == []
    buttons = page.find_all("button", name="mark_topic")
    assert len(buttons) == 110
    names = [accessible_name(page, button) for button in buttons]
    # Each names its topic, and starts with the word it shows (WCAG's label in name).
    assert all(
        name.startswith(f"{button.text.strip()}: ") and len(name) > len(button.text) + 3
        for name, button in zip(names, buttons, strict=True)
    )
    assert len(set(names)) == len(names)
    topic = Topic.objects.get(title="Calculus")
    assert accessible_name(
        page, page.find_one("button", name="mark_topic", value=f"{topic.pk}:done")
    ) == ("Mark all done: Calculus")


def test_the_page_is_sent_with_a_strict_content_security_policy(learner_client, roadmap):
    response = learner_client.get(reverse("tracker:roadmap"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = response.content.decode()
    for script in find_all(html, "script"):
        assert script.attrs.get("nonce") == nonce
    assert "style=" not in html


def test_a_visitors_stored_page_runs_only_this_origins_script_files(client, roadmap):
    client.get(reverse("tracker:roadmap"))
    response = client.get(reverse("tracker:roadmap"))
    policy = response.headers["Content-Security-Policy"]
    # The same copy goes to every visitor, so it carries no nonce; its
    # scripts are files from this origin, which 'self' allows, and nothing inline.
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    scripts = find_all(response.content.decode(), "script")
    assert scripts
    for script in scripts:
        assert script.attrs["src"].startswith("/static/")
        assert "nonce" not in script.attrs
        assert not script.text.strip()


def _progress_everywhere(user, fraction):
    subtopics = list(Subtopic.objects.all())
    chosen = subtopics[: int(len(subtopics) * fraction)]
    Progress.objects.bulk_create(
        [
            Progress(user=user, subtopic=s, status=("done", "learning", "skipped")[i % 3])
            for i, s in enumerate(chosen)
        ]
    )


@pytest.mark.parametrize("fraction", [0, 0.5, 1])
def test_the_page_runs_a_fixed_number_of_queries(
    learner_client, learner, roadmap, django_assert_max_num_queries, fraction
):
    _progress_everywhere(learner, fraction)
    with django_assert_max_num_queries(8):
        response = learner_client.get(reverse("tracker:roadmap"))
    assert response.status_code == 200


def test_a_visitor_page_runs_a_fixed_number_of_queries(client, roadmap, django_assert_num_queries):
    client.get(reverse("tracker:roadmap"))  # the first visitor's page is stored
    # The content version; the page itself is in memory.
    with django_assert_num_queries(1):
        client.get(reverse("tracker:roadmap"))


def test_favicon_ico_points_at_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url == "/static/favicon.svg"


def test_a_learners_page_at_half_way_stays_within_its_weight(learner_client, learner, roadmap):
    """The targets the benchmark reports (issue 9), checked on every run: every
    byte an outline's 26 sections and phases add counts 26 times."""
    most_html, most_sent = WEIGHT_TARGETS["roadmap_learner_50"]
    tick(learner, Subtopic.objects.count() // 2)
    response = learner_client.get(reverse("tracker:roadmap"), headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert len(gzip.decompress(response.content)) <= most_html
    assert len(response.content) <= most_sent
