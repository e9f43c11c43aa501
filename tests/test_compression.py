"""Pages are gzipped for clients that accept it (roadmap_site/middleware.py)."""

import gzip

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import include, path, reverse

from roadmap_site.middleware import INITIAL_WINDOW
from tests.helpers import without_request_tokens

GZIP = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what a browser sends
# Past TCP's initial window, under which nothing is compressed (see the last test).
BODY = b"<!doctype html><title>Same every time</title>" + b"<p>A paragraph.</p>" * 1000


def encoded_view(request):
    # A view that compressed its answer itself, as a cache of pages may.
    response = HttpResponse(gzip.compress(BODY), content_type="text/html")
    response["Content-Encoding"] = "gzip"
    return response


def streaming_view(request):
    return StreamingHttpResponse(iter([BODY[:500], BODY[500:]]), content_type="text/html")


def fixed_view(request):
    return HttpResponse(BODY, content_type="text/html")


def small_view(request):
    return HttpResponse(BODY[: INITIAL_WINDOW - 1], content_type="text/html")


urlpatterns = [
    path("test/encoded/", encoded_view),
    path("test/streaming/", streaming_view),
    path("test/fixed/", fixed_view),
    path("test/small/", small_view),
    path("", include("roadmap_site.urls")),
]
with_test_views = pytest.mark.urls(__name__)


@pytest.fixture(params=["visitor", "learner"])
def page(request, client, roadmap):
    """A page with CSRF tokens and a CSP nonce in it: the roadmap, or home."""
    if request.param == "visitor":
        return client, reverse("tracker:roadmap")
    client.force_login(request.getfixturevalue("learner"))
    return client, reverse("tracker:home")


def test_a_page_comes_back_gzipped_and_decompresses_to_the_same_page(page):
    client, url = page

    compressed = client.get(url, headers=GZIP)
    plain = client.get(url)

    assert compressed.status_code == 200
    assert compressed["Content-Encoding"] == "gzip"
    assert int(compressed["Content-Length"]) == len(compressed.content)
    assert len(compressed.content) < len(plain.content) / 4
    html = gzip.decompress(compressed.content).decode()
    assert without_request_tokens(html) == without_request_tokens(plain.content.decode())


def test_without_accept_encoding_a_page_is_plain(page):
    client, url = page

    response = client.get(url)

    assert "Content-Encoding" not in response
    assert response.content.decode().lstrip().lower().startswith("<!doctype html>")


@pytest.mark.parametrize("headers", [GZIP, {}], ids=["gzip", "plain"])
def test_a_page_varies_by_accept_encoding(page, headers):
    client, url = page

    response = client.get(url, headers=headers)

    vary = [name.strip().lower() for name in response["Vary"].split(",")]
    assert "accept-encoding" in vary


def test_a_client_that_refuses_gzip_gets_plain(client, roadmap):
    response = client.get(reverse("tracker:roadmap"), headers={"Accept-Encoding": "identity"})

    assert "Content-Encoding" not in response


@with_test_views
def test_a_response_already_encoded_is_not_compressed_again(client):
    response = client.get("/test/encoded/", headers=GZIP)

    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == BODY


@with_test_views
def test_a_streaming_response_still_streams_compressed(client):
    response = client.get("/test/streaming/", headers=GZIP)

    assert response.streaming
    assert response["Content-Encoding"] == "gzip"
    assert "Content-Length" not in response
    assert gzip.decompress(b"".join(response.streaming_content)) == BODY


@with_test_views
def test_the_compressed_length_varies_from_response_to_response(client):
    # Django's Heal The Breach padding: the same body never gives away its
    # compressed length, so BREACH cannot read a guess off it.
    responses = [client.get("/test/fixed/", headers=GZIP) for _ in range(20)]

    assert {gzip.decompress(response.content) for response in responses} == {BODY}
    assert len({len(response.content) for response in responses}) > 1


def test_static_files_are_left_to_whitenoise(client):
    # Whitenoise answers before the compression middleware: a file keeps its
    # length (and its ranges); in production it serves its own .gz copies.
    response = client.get("/static/css/site.css", headers=GZIP)

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert int(response["Content-Length"]) > 0


@with_test_views
def test_a_body_within_the_initial_window_is_sent_plain(client):
    # It reaches the browser in one round trip either way: no CPU spent on it.
    response = client.get("/test/small/", headers=GZIP)

    assert "Content-Encoding" not in response
    assert response.content == BODY[: INITIAL_WINDOW - 1]
    assert "accept-encoding" not in response.get("Vary", "").lower()
