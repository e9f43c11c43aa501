"""Malformed requests answer 4xx, never 500 (issue 10, findings 1 to 5).

Most go through the real WSGI application (roadmap_site.wsgi), the object
gunicorn serves, so what is tested is what a client gets on the wire: the
test client would re-raise what escapes Django instead of answering it.
"""

import logging

import pytest
from django.db import connection
from django.urls import reverse

from tests.helpers import HTMX, make_user, wsgi
from tracker.models import Progress, Subtopic

# 1. Names no account can have


@pytest.mark.parametrize("path", ["/u/%00/", "/u/a%00b/", "/u/a%00b/badge.svg", "/u/\x00/"])
def test_a_username_with_a_nul_byte_is_not_found(db, client, path):
    response = client.get(path)
    assert response.status_code == 404


def test_the_admin_autocomplete_refuses_a_nul_byte_in_its_term(staff_client):
    field = {"app_label": "tracker", "model_name": "progress", "field_name": "subtopic"}
    response = staff_client.get(reverse("admin:autocomplete"), {"term": "\x00", **field})
    assert response.status_code == 400


def test_a_nul_byte_in_any_query_is_a_bad_request(learner_client):
    response = learner_client.get(reverse("admin:auth_user_changelist"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert b"NUL" in response.content


# 2. A malformed HX-Current-URL


@pytest.mark.parametrize("current_url", ["http://[", "http://exa mple.com:99999/x", "\x00"])
def test_a_signed_out_htmx_write_with_a_malformed_current_url_goes_to_sign_in(
    roadmap, client, current_url
):
    subtopic = Subtopic.objects.first()
    response = client.post(
        reverse("tracker:mark_subtopic", args=[subtopic.pk]),
        {"status": "done"},
        headers={**HTMX, "HX-Current-URL": current_url},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login"))


# 3. A tick racing a re-import that removed its item


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", ["tick", "topic"])
def test_a_tick_on_an_item_a_re_import_just_removed_is_not_found(client, write):
    from django.core.management import call_command

    from tracker.content.tree import default_tree

    call_command("load_roadmap", verbosity=0)
    learner = make_user("ada")
    client.force_login(learner)
    subtopic = Subtopic.objects.select_related("topic").first()
    # The process still holds the content it read before the import: the
    # window between reading the item and writing its row.
    default_tree()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tracker_subtopic WHERE id = %s", [subtopic.pk])
    if write == "tick":
        url = reverse("tracker:mark_subtopic", args=[subtopic.pk])
    else:
        url = reverse("tracker:mark_topic", args=[subtopic.topic.pk])
    response = client.post(url, {"status": "done"}, headers=HTMX)
    assert response.status_code == 404
    assert not Progress.objects.filter(user=learner).exists()


# 4. Bodies Django cannot decode, on the way to an error page


# With a CSRF cookie, the check reads the form's token from the body: that
# read is what fails, and Django's own error views would repeat it.
CSRF_COOKIE = "csrftoken=" + "a" * 32
TOO_MANY_FIELDS = "&".join(f"f{number}=1" for number in range(1200)).encode()


@pytest.mark.parametrize(
    "path, host",
    [("/no-such-page/", "testserver"), ("/", "evil.example"), ("/progress/", "testserver")],
)
@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/x-www-form-urlencoded; charset=latin-1", b"a=\xe9"),
        ("application/x-www-form-urlencoded", TOO_MANY_FIELDS),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-da"),
        ("multipart/form-data", b"no boundary at all"),
    ],
)
def test_an_undecodable_body_gets_a_client_error_not_a_500(db, path, host, content_type, body):
    status, headers, content = wsgi(
        "POST",
        path,
        body=body,
        content_type=content_type,
        headers={"Host": host, "Cookie": CSRF_COOKIE},
    )
    assert 400 <= status < 500
    # One of the site's own pages, not the WSGI server's bare answer.
    assert headers["Content-Type"].startswith("text/html")
    assert b"Roadmap tracker" in content


def test_the_error_pages_are_the_sites_own(db):
    status, headers, content = wsgi("GET", "/no-such-page/")
    assert status == 404
    assert b"Page not found" in content
    assert headers["Content-Type"].startswith("text/html")


# 5. Charsets that are not text encodings


@pytest.mark.parametrize("charset", ["rot13", "base64", "no-such-charset", "utf-8\x00"])
def test_a_charset_that_is_not_a_text_encoding_is_a_bad_request(db, charset, caplog):
    with caplog.at_level(logging.WARNING):
        status, headers, content = wsgi(
            "GET", "/", query="a=1", content_type=f"text/plain; charset={charset}"
        )
    assert status == 400
    assert b"charset" in content
    assert not [record for record in caplog.records if record.exc_info]


def test_a_good_charset_still_reads_the_form(roadmap, learner):
    status, _, _ = wsgi(
        "GET", "/", query="a=1", content_type="application/x-www-form-urlencoded; charset=utf-8"
    )
    assert status == 200


def test_whatever_else_escapes_django_is_answered_400_and_logged(caplog):
    from roadmap_site.guard import RequestGuard

    def application_that_fails_to_read(environ, start_response):
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    answered = {}
    body = RequestGuard(application_that_fails_to_read)(
        {"REQUEST_METHOD": "GET", "PATH_INFO": "/x/"},
        lambda status, headers, exc_info=None: answered.update(status=status),
    )
    assert answered["status"].startswith("400")
    assert b"".join(body).startswith(b"Bad request")
    assert "Request escaped Django: GET /x/" in caplog.text
