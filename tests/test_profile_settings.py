"""Profile settings: username, display name and visibility, and the links to share.

The username rules (URL-safe, not reserved, unique whatever the case) are the
same here and at sign-up, where allauth applies them through its settings.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Profile
from tests.helpers import (
    XSS_NAMES,
    assert_copy_field,
    assert_site_page,
    element_by_id,
    find_all,
    find_one,
    make_user,
    parse,
    publish,
    sign_up,
)

User = get_user_model()
URL = reverse("accounts:settings")

TAKEN = "A user with that username already exists."
RESERVED = "That username is reserved for the site. Please choose another."
INVALID = "Use only letters, digits, hyphens (-) and underscores (_)."

pytestmark = pytest.mark.django_db


def save(client, username="ada", display_name="", visibility="private"):
    return client.post(
        URL, {"username": username, "display_name": display_name, "visibility": visibility}
    )


def username_errors(response):
    return response.context["form"].errors.get("username")


# Who may see and change the settings


def test_it_needs_sign_in(client, learner):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_anonymous_post_changes_nothing(client, learner):
    response = save(client, username="mallory", visibility="public")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert User.objects.filter(username="ada").exists()
    assert not Profile.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(learner_client, method):
    assert getattr(learner_client, method)(URL).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(learner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)

    response = save(browser, visibility="public")

    assert response.status_code == 403
    assert not Profile.objects.exists()


def test_it_changes_only_the_signed_in_learners_profile(learner_client, learner, other_learner):
    publish(other_learner, "Grace")

    save(learner_client, username="ada", display_name="Ada", visibility="public")

    assert Profile.objects.get(user=learner).display_name == "Ada"
    other = Profile.objects.get(user=other_learner)
    assert (other.display_name, other.is_public) == ("Grace", True)
    assert User.objects.get(pk=other_learner.pk).username == "grace"


# The form


def test_a_learner_without_a_profile_sees_a_private_default_and_no_row_is_made(
    learner_client, learner
):
    response = learner_client.get(URL)

    assert_site_page(response)
    username = find_one(response, "input", name="username")
    assert (username.attrs["type"], username.attrs["value"]) == ("text", "ada")
    chosen = find_one(response, "input", type="radio", name="visibility", checked=True)
    assert chosen.attrs["value"] == "private"
    assert "Who can see your progress page?" in [e.text for e in find_all(response, "legend")]
    assert not Profile.objects.exists()


def test_saving_creates_the_profile_and_can_make_the_page_public(learner_client, learner, roadmap):
    response = save(learner_client, display_name="Ada Lovelace", visibility="public")

    assert response.status_code == 302
    assert response.url == URL
    profile = Profile.objects.get(user=learner)
    assert (profile.display_name, profile.is_public) == ("Ada Lovelace", True)
    assert Client().get(reverse("accounts:public", args=["ada"])).status_code == 200
    follow = learner_client.get(URL)
    assert "Your profile settings are saved." in follow.content.decode()


def test_switching_back_to_private_hides_the_page_at_once(learner_client, learner, roadmap):
    publish(learner)

    save(learner_client, visibility="private")

    assert Profile.objects.get(user=learner).is_public is False
    assert Client().get(reverse("accounts:public", args=["ada"])).status_code == 404


def test_a_new_username_takes_effect_at_once(learner_client, learner, roadmap):
    publish(learner)

    response = save(learner_client, username="ada-lovelace_1815", visibility="public")

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.username == "ada-lovelace_1815"
    visitor = Client()
    assert visitor.get(reverse("accounts:public", args=["ada"])).status_code == 404
    assert visitor.get(reverse("accounts:public", args=["ada-lovelace_1815"])).status_code == 200
    # Still signed in, and sign-in works with the new name.
    assert learner_client.get(URL).status_code == 200


def test_changing_only_the_case_of_ones_own_username_is_allowed(learner_client, learner):
    response = save(learner_client, username="Ada")

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.username == "Ada"


@pytest.mark.parametrize("username", ["admin", "Settings", "U", "static", "API", "www"])
def test_a_reserved_username_is_refused(learner_client, learner, username):
    response = save(learner_client, username=username)

    assert response.status_code == 400
    assert username_errors(response) == [RESERVED]
    assert RESERVED in response.content.decode()
    learner.refresh_from_db()
    assert learner.username == "ada"


@pytest.mark.parametrize(
    "username", ["ada lovelace", "ada.l", "ada@home", "ada/x", "ádá", "a+b", "<b>ada</b>"]
)
def test_a_username_that_is_not_url_safe_is_refused(learner_client, learner, username):
    response = save(learner_client, username=username)

    assert response.status_code == 400
    assert username_errors(response) == [INVALID]
    learner.refresh_from_db()
    assert learner.username == "ada"


@pytest.mark.parametrize("username", ["grace", "GRACE", "Grace"])
def test_a_username_taken_in_any_case_is_refused(learner_client, learner, other_learner, username):
    response = save(learner_client, username=username)

    assert response.status_code == 400
    assert username_errors(response) == [TAKEN]
    learner.refresh_from_db()
    assert learner.username == "ada"


def test_an_empty_or_too_long_username_is_refused(learner_client, learner):
    assert username_errors(save(learner_client, username="")) == ["This field is required."]
    response = save(learner_client, username="a" * 151)
    assert response.status_code == 400
    assert "at most 150 characters" in username_errors(response)[0]


def test_the_error_is_linked_to_the_username_field(learner_client, learner):
    response = save(learner_client, username="admin")

    field = find_one(response, "input", name="username")
    assert field.attrs["aria-invalid"] == "true"
    assert "id_username_error" in field.attrs["aria-describedby"].split()
    errors = element_by_id(response, "id_username_error")
    assert (errors.tag, errors.classes) == ("ul", {"errorlist"})


def test_a_name_from_before_the_rules_can_be_kept(client):
    # createsuperuser does not apply the site's rules: "admin" must still be
    # able to save the rest of their settings without renaming.
    admin = make_user("admin", staff=True)
    client.force_login(admin)

    response = save(client, username="admin", display_name="The curator")

    assert response.status_code == 302
    assert Profile.objects.get(user=admin).display_name == "The curator"


def test_a_display_name_longer_than_80_characters_is_refused(learner_client, learner):
    response = save(learner_client, display_name="x" * 81)

    assert response.status_code == 400
    assert "display_name" in response.context["form"].errors
    assert not Profile.objects.exists()


def test_a_missing_visibility_is_refused(learner_client, learner):
    response = learner_client.post(URL, {"username": "ada", "display_name": ""})

    assert response.status_code == 400
    errors = element_by_id(response, "id_visibility_error")
    assert (errors.tag, errors.classes) == ("ul", {"errorlist"})
    assert find_all(response, aria_describedby="id_visibility_error")


@pytest.mark.parametrize("name", XSS_NAMES)
def test_a_display_name_is_escaped_on_the_settings_page(learner_client, learner, name):
    save(learner_client, display_name=name, visibility="public")

    html = learner_client.get(URL).content.decode()

    assert name not in html
    assert f'name="display_name" value="{escape(name)}"' in html


def test_a_rejected_username_is_escaped_when_shown_back(learner_client, learner):
    name = '"><img src=x onerror=alert(1)>'

    html = save(learner_client, username=name).content.decode()

    assert name not in html
    assert f'value="{escape(name)}"' in html


# Sharing from the settings page


def test_a_public_page_gets_a_share_control_and_badge_previews(learner_client, learner):
    publish(learner)

    response = learner_client.get(URL)

    assert_site_page(response)
    assert_copy_field(
        response,
        "share-url",
        label="Link to your page",
        value="http://testserver/u/ada/",
        button="Copy link",
    )
    for src in ("/u/ada/badge.svg", "/u/ada/badge.svg?theme=dark"):
        assert "alt" in find_one(response, "img", src=src).attrs
    sources = [s["src"] for s in parse(response).scripts if "src" in s]
    assert "/static/js/share.js" in sources


def test_a_private_page_offers_a_preview_and_no_share_link(learner_client, learner):
    response = learner_client.get(URL)
    html = response.content.decode()

    assert 'id="share-url"' not in html
    assert "Preview your page" in html
    assert find_all(response, "a", href="/u/ada/")
    assert "<img" not in html


def test_the_badge_snippets_are_absolute_and_ready_to_copy(learner_client, learner):
    publish(learner)

    response = learner_client.get(URL)

    markdown = (
        "[![AI Engineer Roadmap progress](http://testserver/u/ada/badge.svg)]"
        "(http://testserver/u/ada/)"
    )
    snippet = (
        '<a href="http://testserver/u/ada/"><img src="http://testserver/u/ada/badge.svg"'
        ' alt="AI Engineer Roadmap progress"></a>'
    )
    assert_copy_field(
        response, "badge-markdown", label="Markdown", value=markdown, button="Copy Markdown"
    )
    # Escaped in the page, so the textarea holds the snippet as text, not as markup.
    assert escape(snippet) in response.content.decode()
    assert_copy_field(response, "badge-html", label="HTML", value=snippet, button="Copy HTML")


def test_it_links_to_the_email_password_and_delete_pages(learner_client):
    response = learner_client.get(URL)
    html = response.content.decode()

    current = find_one(response, "nav", class_="account-nav").find_one("a", aria_current="page")
    assert (current.attrs["href"], current.text) == (URL, "Profile")
    assert f'href="{reverse("account_email")}"' in html
    assert f'href="{reverse("account_change_password")}"' in html
    assert f'href="{reverse("accounts:delete")}"' in html


def test_the_account_link_in_the_site_nav_leads_here(learner_client):
    nav = find_one(learner_client.get(reverse("tracker:roadmap")), "nav", class_="site-nav")

    link = nav.find_one("a", href=URL)
    assert (link.text, link.parent.tag) == ("Account", "li")


# The same rules at sign-up (allauth)


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("admin", RESERVED),
        ("Settings", RESERVED),
        ("u", RESERVED),
        ("ada lovelace", INVALID),
        ("ada.l", INVALID),
        ("<script>", INVALID),
    ],
)
def test_sign_up_applies_the_same_username_rules(client, username, error):
    response = sign_up(client, username=username, email="new@example.com")

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [error]
    assert not User.objects.filter(email="new@example.com").exists()


def test_sign_up_refuses_a_username_taken_in_another_case(client, learner):
    response = sign_up(client, username="AdA", email="new@example.com")

    assert response.context["form"].errors["username"] == [TAKEN]


def test_sign_up_accepts_a_url_safe_username(client):
    response = sign_up(client, username="new_learner-42", email="new@example.com")

    assert response.status_code == 302
    assert User.objects.filter(username="new_learner-42").exists()
