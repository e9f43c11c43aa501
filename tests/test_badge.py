"""The embeddable progress badge at /u/<username>/badge.svg (?theme=dark)."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from accounts import badges
from tests.helpers import XSS_NAMES, publish, tick

SVG = "{http://www.w3.org/2000/svg}"


def badge_url(username="ada", theme=None):
    url = reverse("accounts:badge", args=[username])
    return f"{url}?theme={theme}" if theme else url


def parse(response):
    # The site's own badge, parsed to prove it is well-formed XML.
    return ET.fromstring(response.content)  # noqa: S314


def fills(svg):
    return [rect.get("fill") for rect in svg.iter(f"{SVG}rect")]


def test_it_shows_the_roadmap_and_the_percent_as_svg(client, learner, roadmap):
    publish(learner, "Ada")
    tick(learner, 88)

    response = client.get(badge_url())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = parse(response)
    assert svg.tag == f"{SVG}svg"
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert "Complete AI Engineer Roadmap" in texts
    assert "41%" in texts
    assert svg.get("aria-label") == "Complete AI Engineer Roadmap: 41%"
    assert svg.find(f"{SVG}title").text == "Ada: 41% through the Complete AI Engineer Roadmap"


def test_it_is_cached_briefly_and_publicly(client, learner, roadmap):
    publish(learner)

    response = client.get(badge_url())

    assert response["Cache-Control"] == "public, max-age=300"
    # It never reads the session, so the response does not vary by cookie.
    assert "Cookie" not in response.get("Vary", "")
    assert "Set-Cookie" not in response.headers


def test_it_renders_under_the_csp_when_opened_directly(client, learner, roadmap):
    publish(learner)

    response = client.get(badge_url())

    assert "Content-Security-Policy" in response.headers
    svg = parse(response)
    for element in svg.iter():
        assert "style" not in element.attrib
        assert not [name for name in element.attrib if name.startswith("on")]
        assert element.tag not in (f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject")
    text_group = svg.find(f"{SVG}g[@font-family]")
    assert text_group.get("font-family").startswith("Verdana")


def test_the_dark_variant_uses_the_dark_colours(client, learner, roadmap):
    publish(learner)

    light = parse(client.get(badge_url()))
    dark = parse(client.get(badge_url(theme="dark")))
    unknown = parse(client.get(badge_url(theme="<neon>")))

    assert fills(light)[1:3] == ["#555b6e", "#3d4ed8"]
    assert fills(dark)[1:3] == ["#1c1e26", "#8c9bff"]
    assert fills(unknown) == fills(light)


def test_a_complete_roadmap_turns_the_badge_green(client, learner, roadmap):
    publish(learner)
    tick(learner, 210)

    svg = parse(client.get(badge_url()))

    assert "100%" in [text.text for text in svg.iter(f"{SVG}text")]
    assert fills(svg)[2] == badges.THEMES["light"].complete_fill


@pytest.mark.parametrize("name", XSS_NAMES)
def test_a_display_name_is_escaped_in_the_svg(client, learner, roadmap, name):
    publish(learner, name)

    response = client.get(badge_url())

    assert name.encode() not in response.content
    svg = parse(response)  # still well-formed XML
    assert svg.find(f"{SVG}title").text.startswith(f"{name}: 0%")
    assert not list(svg.iter(f"{SVG}script"))
    assert not list(svg.iter(f"{SVG}img"))


@pytest.mark.parametrize("state", ["private", "no profile", "unknown"])
def test_it_is_not_found_unless_the_page_is_public(client, learner, roadmap, state):
    if state == "private":
        publish(learner, public=False)
    username = "nobody-here" if state == "unknown" else "ada"

    response = client.get(badge_url(username))

    assert response.status_code == 404
    assert "max-age=300" not in response.get("Cache-Control", "")


def test_a_private_badge_is_not_found_even_for_its_owner(learner_client, learner, roadmap):
    publish(learner, public=False)

    assert learner_client.get(badge_url()).status_code == 404


def test_it_only_answers_get_and_head(client, learner, roadmap):
    publish(learner)

    assert client.head(badge_url()).status_code == 200
    assert client.post(badge_url()).status_code == 405


@pytest.mark.parametrize("viewer", ["anonymous", "signed in"])
def test_it_runs_at_most_three_queries(
    client, learner, roadmap, viewer, memory_cache, django_assert_max_num_queries
):
    # A fresh badge, the cache kept out of the count: what a stored one
    # costs, and the cache's own queries, are in test_badge_cache.py.
    publish(learner)
    tick(learner, 210)
    if viewer == "signed in":
        client.force_login(learner)

    with django_assert_max_num_queries(3):
        assert client.get(badge_url()).status_code == 200


# The geometry, without a request


def test_longer_text_makes_a_wider_badge():
    short = badges.progress_badge("Roadmap", 5)
    long = badges.progress_badge("Complete AI Engineer Roadmap", 100)

    assert long.label_width > short.label_width
    assert long.value_width > short.value_width
    assert long.width == long.label_width + long.value_width
    assert long.value_x == long.label_width * 10 + long.value_width * 5


def test_every_coordinate_is_an_integer():
    badge = badges.progress_badge("Complete AI Engineer Roadmap", 42, "dark")

    for name in ("width", "label_width", "value_width", "label_x", "value_x", "label_length"):
        assert isinstance(getattr(badge, name), int), name
    assert badge.theme is badges.THEMES["dark"]
