"""Deleting one's account, behind a typed confirmation."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import Profile
from tests.helpers import (
    assert_site_page,
    element_by_id,
    find_one,
    is_signed_in,
    publish,
    sign_up,
    tick,
)
from tracker.models import Link, Note, Progress, Topic

User = get_user_model()
URL = reverse("accounts:delete")


def test_it_needs_sign_in(client, learner):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_anonymous_post_deletes_nothing(client, learner):
    response = client.post(URL, {"confirmation": "ada"})

    assert response.status_code == 302
    assert User.objects.filter(username="ada").exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(learner_client, learner, method):
    assert getattr(learner_client, method)(URL).status_code == 405
    assert User.objects.filter(pk=learner.pk).exists()


def test_a_post_without_the_csrf_token_is_refused(learner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)

    assert browser.post(URL, {"confirmation": "ada"}).status_code == 403
    assert User.objects.filter(pk=learner.pk).exists()


def test_the_page_asks_for_the_username_in_a_labelled_field(learner_client):
    response = learner_client.get(URL)

    assert_site_page(response)
    label = find_one(response, "label", for_="id_confirmation")
    assert label.text == "Type your username to confirm"
    assert "<strong>ada</strong>" in response.content.decode()


@pytest.mark.parametrize("typed", ["", "ADA", "ad", "grace", " a da"])
def test_a_wrong_confirmation_deletes_nothing(learner_client, learner, other_learner, typed):
    response = learner_client.post(URL, {"confirmation": typed})

    assert response.status_code == 400
    assert "confirmation" in response.context["form"].errors
    errors = element_by_id(response, "id_confirmation_error")
    assert (errors.tag, errors.classes) == ("ul", {"errorlist"})
    assert User.objects.filter(pk=learner.pk).exists()
    assert is_signed_in(learner_client)


def test_it_deletes_the_account_and_everything_of_theirs(
    learner_client, learner, other_learner, roadmap
):
    publish(learner, "Ada")
    tick(learner, 12)
    tick(other_learner, 5)
    topic = Topic.objects.first()
    for user in (learner, other_learner):
        Note.objects.create(user=user, topic=topic, body=f"{user.username}'s note")
        Link.objects.create(user=user, topic=topic, title="A link", url="https://example.org/")

    response = learner_client.post(URL, {"confirmation": "ada"}, follow=True)

    assert response.redirect_chain == [(reverse("tracker:roadmap"), 302)]
    assert "Your account and all your progress have been deleted." in response.content.decode()
    assert not User.objects.filter(username="ada").exists()
    assert not Progress.objects.filter(user_id=learner.pk).exists()
    assert not Profile.objects.filter(user_id=learner.pk).exists()
    assert not EmailAddress.objects.filter(email="ada@example.com").exists()
    assert not is_signed_in(learner_client)
    assert not Note.objects.filter(user_id=learner.pk).exists()
    assert not Link.objects.filter(user_id=learner.pk).exists()
    # Nobody else's progress, notes or links go with it.
    assert Progress.objects.filter(user=other_learner).count() == 5
    assert Note.objects.filter(user=other_learner).count() == 1
    assert Link.objects.filter(user=other_learner).count() == 1


def test_the_public_page_is_gone_after_deletion(learner_client, learner, roadmap):
    publish(learner)
    learner_client.post(URL, {"confirmation": "ada"})

    assert Client().get(reverse("accounts:public", args=["ada"])).status_code == 404
    assert Client().get(reverse("accounts:badge", args=["ada"])).status_code == 404


def test_the_name_and_address_are_free_again_afterwards(learner_client, learner):
    learner_client.post(URL, {"confirmation": "ada"})

    response = sign_up(Client(), username="ada", email="ada@example.com")

    assert response.status_code == 302
    assert User.objects.get(username="ada").pk != learner.pk
