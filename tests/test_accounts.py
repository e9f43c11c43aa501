"""Accounts: every allauth flow a learner goes through, and the pages it shows.

Signing up, verifying the e-mail address, signing in with a username or an
e-mail address, signing out, resetting and changing a password; enumeration
prevention as allauth 65 implements it; the account pages inside the site's
own layout, with a label on every control and nothing the CSP would block.
"""

import json
import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.helpers import (
    NEW_PASSWORD,
    PASSWORD,
    assert_in_site_layout,
    assert_nothing_the_csp_forbids,
    assert_site_page,
    element_by_id,
    find_one,
    is_signed_in,
    parse,
    sign_up,
)

User = get_user_model()


pytestmark = pytest.mark.django_db


def path_of_link(message):
    """The path of the one http(s) link in a mail body."""
    urls = re.findall(r"https?://\S+", message.body)
    assert len(urls) == 1, message.body
    return urlsplit(urls[0]).path


def sign_in(client, login, password):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def verify_from_outbox(message):
    """Follow the link in a verification mail the way allauth 65 wants it:
    GET shows a confirmation page, only the POST verifies."""
    browser = Client()
    path = path_of_link(message)
    page = browser.get(path)
    assert_site_page(page)
    assert b"Confirm Email Address" in page.content
    return browser.post(path)


# Sign-up and e-mail verification


def test_sign_up_sends_a_verification_email_and_shows_the_sent_page(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(username="alan")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alan@example.com"]
    assert "/accounts/confirm-email/" in path_of_link(mail.outbox[0])
    assert not is_signed_in(client)


def test_it_refuses_to_sign_in_before_the_address_is_verified(client):
    sign_up(client)
    mail.outbox.clear()

    for login in ("alan", "alan@example.com"):
        browser = Client()
        response = sign_in(browser, login, NEW_PASSWORD)
        assert response.status_code == 302
        assert response.url == reverse("account_email_verification_sent")
        assert not is_signed_in(browser)
    # No second mail: allauth re-sends at most one per ACCOUNT_EMAIL_CONFIRMATION_COOLDOWN
    # (3 minutes), and the sign-up mail went out just now.
    assert mail.outbox == []


def test_the_confirmation_link_needs_a_post_and_then_verifies(client):
    sign_up(client)
    path = path_of_link(mail.outbox[0])

    Client().get(path)
    assert not EmailAddress.objects.get(email="alan@example.com").verified

    response = verify_from_outbox(mail.outbox[0])

    assert response.status_code == 302
    # LOGIN_ON_EMAIL_CONFIRMATION is off: the link verifies, it does not sign in.
    assert response.url == reverse("account_login")
    assert not is_signed_in(client)
    assert EmailAddress.objects.get(email="alan@example.com").verified


def test_after_verifying_sign_in_works_with_the_username_and_with_the_email(client):
    sign_up(client)
    verify_from_outbox(mail.outbox[0])

    by_username = Client()
    response = sign_in(by_username, "alan", NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("tracker:home")
    assert is_signed_in(by_username)

    by_email = Client()
    response = sign_in(by_email, "alan@example.com", NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("tracker:home")
    assert is_signed_in(by_email)


def test_a_wrong_password_is_a_form_error_not_a_sign_in(client, learner):
    response = sign_in(client, "ada", "not the password")

    assert_site_page(response)
    errors = find_one(response, "div", class_="form-errors")
    assert errors.attrs["role"] == "alert"
    assert "The username and/or password you specified are not correct." in errors.text
    assert not is_signed_in(client)


# Sign-up with a name or address already in use


@pytest.mark.parametrize("username", ["ada", "ADA"])
def test_sign_up_with_a_taken_username_is_a_form_error(client, learner, username):
    response = sign_up(client, username=username, email="someone@example.com")

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["username"] == ["A user with that username already exists."]
    assert User.objects.count() == 1
    assert mail.outbox == []
    # The error is linked to its input.
    page = response.content.decode()
    assert 'aria-describedby="id_username_error"' in page
    assert 'id="id_username_error"' in page


def test_sign_up_with_a_used_email_looks_like_success_and_warns_the_owner(client, learner):
    # Enumeration prevention: the visitor sees the same "verification sent"
    # page as for a fresh address, no account is created, and the owner of
    # the address gets a mail saying someone tried to sign up with it.
    response = sign_up(client, username="impostor", email="ada@example.com")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not User.objects.filter(username="impostor").exists()
    assert len(mail.outbox) == 1
    warning = mail.outbox[0]
    assert warning.to == ["ada@example.com"]
    assert "Account Already Exists" in warning.subject
    assert reverse("account_reset_password") in path_of_link(warning)


def test_sign_up_with_mismatched_passwords_links_the_error_to_the_field(client):
    response = client.post(
        reverse("account_signup"),
        {
            "username": "alan",
            "email": "alan@example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD + "x",
        },
    )

    assert response.status_code == 200
    field = find_one(response, "input", name="password2")
    assert field.attrs["aria-invalid"] == "true"
    assert field.attrs["aria-describedby"] == "id_password2_error"
    errors = element_by_id(response, "id_password2_error")
    assert (errors.tag, errors.classes) == ("ul", {"errorlist"})
    assert_site_page(response)
    assert not User.objects.filter(username="alan").exists()


# Signing out


def test_signing_out_with_post_ends_the_session(learner_client):
    response = learner_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response.url == reverse("tracker:roadmap")
    assert not is_signed_in(learner_client)
    response = learner_client.get(reverse("account_email"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_get_to_sign_out_only_asks_for_confirmation(learner_client):
    response = learner_client.get(reverse("account_logout"))

    assert response.status_code == 200
    assert b"Are you sure you want to sign out?" in response.content
    assert is_signed_in(learner_client)


# Password reset


def test_password_reset_mails_a_link_that_sets_a_new_password(client, learner):
    response = client.post(reverse("account_reset_password"), {"email": "ada@example.com"})

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    key_path = path_of_link(mail.outbox[0])
    assert key_path.startswith("/accounts/password/reset/key/")

    # allauth moves the key from the URL into the session, then shows the form.
    response = client.get(key_path)
    assert response.status_code == 302
    set_password_path = response.url
    response = client.get(set_password_path)
    assert_site_page(response)

    response = client.post(
        set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")

    old = Client()
    response = sign_in(old, "ada", PASSWORD)
    assert b"The username and/or password you specified are not correct." in response.content
    assert not is_signed_in(old)
    fresh = Client()
    assert sign_in(fresh, "ada", NEW_PASSWORD).url == reverse("tracker:home")
    assert is_signed_in(fresh)


def test_a_password_reset_link_works_only_once(client, learner):
    client.post(reverse("account_reset_password"), {"email": "ada@example.com"})
    key_path = path_of_link(mail.outbox[0])
    set_password_path = client.get(key_path).url
    client.post(set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    response = Client().get(key_path)

    assert_site_page(response)
    assert b"Bad Token" in response.content


def test_password_reset_for_an_unknown_address_looks_the_same(client, learner):
    known = client.post(reverse("account_reset_password"), {"email": "ada@example.com"})
    unknown = Client().post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    # Per allauth (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS, on by default) the unknown
    # address gets a mail saying there is no account, with a sign-up link and
    # no reset link.
    assert len(mail.outbox) == 2
    notice = mail.outbox[1]
    assert notice.to == ["nobody@example.com"]
    assert "Unknown Account" in notice.subject
    assert "we do not have any record of such an account" in notice.body
    assert path_of_link(notice) == reverse("account_signup")


# Password change


def test_a_signed_in_learner_can_change_their_password(learner_client, learner):
    response = learner_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("account_change_password"), 302)]
    # Still signed in (the session hash was updated), message shown once.
    assert is_signed_in(learner_client)
    assert response.content.decode().count("Password successfully changed.") == 1
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert sign_in(Client(), "ada@example.com", NEW_PASSWORD).url == reverse("tracker:home")


def test_changing_the_password_needs_the_current_one(learner_client, learner):
    response = learner_client.post(
        reverse("account_change_password"),
        {"oldpassword": "a guess", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["oldpassword"] == ["Please type your current password."]
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)


def test_the_password_change_page_needs_sign_in(client):
    response = client.get(reverse("account_change_password"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# The pages themselves: site layout, labels, CSP

ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]
SIGNED_IN_PAGES = ["account_email", "account_change_password", "account_logout"]


def get_page(client, learner, name):
    if name in SIGNED_IN_PAGES:
        client.force_login(learner)
    return client.get(reverse(name))


@pytest.mark.parametrize("name", ANONYMOUS_PAGES + SIGNED_IN_PAGES)
def test_account_pages_render_inside_the_site_layout(client, learner, name):
    response = get_page(client, learner, name)

    assert response.status_code == 200
    assert_in_site_layout(response)


FORM_PAGES = {
    "account_login": {"login", "password", "remember"},
    "account_signup": {"username", "email", "password1", "password2"},
    "account_reset_password": {"email"},
    "account_email": {"email"},
    "account_change_password": {"oldpassword", "password1", "password2"},
}


@pytest.mark.parametrize("name", ANONYMOUS_PAGES + SIGNED_IN_PAGES)
def test_every_control_on_the_account_pages_has_a_label(client, learner, name):
    page = parse(get_page(client, learner, name))

    visible = {a.get("name") for _, a in page.controls if a.get("type") != "hidden"}
    assert visible == FORM_PAGES.get(name, set())
    assert page.unlabelled_controls() == []


@pytest.mark.parametrize("name", ANONYMOUS_PAGES + SIGNED_IN_PAGES)
def test_account_pages_need_nothing_the_csp_forbids(client, learner, name):
    assert_nothing_the_csp_forbids(get_page(client, learner, name))


def test_the_email_page_loads_allauths_scripts_with_the_nonce(learner_client):
    response = learner_client.get(reverse("account_email"))

    sources = [s["src"] for s in parse(response).scripts if "src" in s]
    assert "/static/account/js/account.js" in sources
    assert "/static/account/js/onload.js" in sources
    config = find_one(response, "script", data_allauth_onload=re.compile(".+"))
    assert config.attrs["type"] == "application/json"
    assert json.loads(config.raw_text)["i18n"]["confirmDelete"].startswith("Do you really want")


def test_management_pages_have_an_account_menu_marking_the_current_page(learner_client):
    response = learner_client.get(reverse("account_change_password"))

    nav = find_one(response, "nav", class_="account-nav")
    assert nav.attrs["aria-label"] == "Account"
    current = nav.find_one("a", aria_current="page")
    assert (current.attrs["href"], current.text) == (reverse("account_change_password"), "Password")


def test_a_message_is_shown_once_in_the_site_layout(client, learner):
    response = client.post(
        reverse("account_login"), {"login": "ada", "password": PASSWORD}, follow=True
    )

    assert response.content.decode().count("Successfully signed in as ada.") == 1


def test_the_sign_in_field_says_it_takes_a_username_or_an_email(client):
    label = find_one(client.get(reverse("account_login")), "label", for_="id_login")
    assert label.text.startswith("Username or e-mail")
