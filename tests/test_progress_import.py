"""Reading a progress export back: preview first, apply on confirm, refuse bad files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import element_by_id, find_all, find_one, make_user
from tracker.content.markdown import parse_roadmap
from tracker.models import Progress, Subtopic
from tracker.progress.forms import MAX_IMPORT_BYTES
from tracker.progress.importing import file_status
from tracker.views.data import SESSION_KEY

IMPORT = reverse("tracker:import_progress")
CONFIRM = reverse("tracker:confirm_import")
EXPORT = reverse("tracker:export_markdown")
CYCLE = ["done", "learning", "skipped", None]

HEAD = (
    "# Complete AI Engineer Roadmap\n\n"
    "## Deep Learning Foundations\n### 🧠 Phase 1: Building Your Foundation\n\n"
    "#### Mathematical Foundations\n"
)
LINEAR_ALGEBRA = HEAD + (
    "- [ ] **Linear Algebra**\n"
    "  - [x] Vectors and matrices\n"
    "  - [ ] Matrix operations *(learning)*\n"
    "  - [ ] Eigenvalues and eigenvectors *(skipped)*\n"
    "  - [ ] Principal Component Analysis (PCA)\n"
)


def upload(client, content, name="progress.md", **extra):
    data = content.encode() if isinstance(content, str) else content
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, "text/markdown")}, **extra)


def token_in(response):
    return find_one(response, "input", name="token").attrs["value"]


def summary_says(html, number, words):
    """The preview's summary has a line of `number`, in bold, then `words`."""
    lines = find_one(html, "ul", class_="import-counts").find_all("li")
    return any(
        line.find_one("strong").text == number and line.text.startswith(f"{number} {words}")
        for line in lines
    )


def statuses(user):
    return dict(Progress.objects.filter(user=user).values_list("subtopic__title", "status"))


def rows(user):
    return set(
        Progress.objects.filter(user=user).values_list(
            "subtopic_id", "status", "completed_at", "updated_at"
        )
    )


def give_progress(user, cycle=CYCLE):
    subtopics = Subtopic.objects.order_by(
        "topic__section__phase__order", "topic__section__order", "topic__order", "order"
    )
    for index, subtopic in enumerate(subtopics):
        if status := cycle[index % len(cycle)]:
            Progress.objects.create(user=user, subtopic=subtopic, status=status)


def test_an_export_imported_into_a_fresh_account_gives_identical_statuses(
    learner_client, learner, roadmap
):
    give_progress(learner)
    exported = learner_client.get(EXPORT).content
    newcomer = Client()
    newcomer.force_login(make_user("linus"))

    preview = upload(newcomer, exported)
    assert preview.status_code == 200
    response = newcomer.post(CONFIRM, {"token": token_in(preview)})

    assert response.status_code == 302
    assert response.url == reverse("tracker:home")
    mine = dict(Progress.objects.filter(user=learner).values_list("subtopic_id", "status"))
    theirs = dict(
        Progress.objects.filter(user__username="linus").values_list("subtopic_id", "status")
    )
    assert len(mine) == 158
    assert theirs == mine


def test_the_preview_lists_the_changes_and_changes_nothing(learner_client, learner, roadmap):
    Progress.objects.create(
        user=learner, subtopic=Subtopic.objects.get(title="Chain rule"), status="done"
    )
    before = rows(learner)
    calculus_unticked = "- [ ] **Calculus**\n  - [ ] Chain rule\n"

    response = upload(learner_client, LINEAR_ALGEBRA + "\n" + calculus_unticked)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Nothing has been saved yet." in html
    assert "Vectors and matrices → done" in html
    assert "Matrix operations → learning" in html
    assert "Eigenvalues and eigenvectors → skipped" in html
    assert "Chain rule → not started" in html
    assert "Principal Component Analysis (PCA) →" not in html
    assert summary_says(
        html, "4", "items will change: 1 set to done, 1 set to learning, 1 set to skipped"
    )
    assert summary_says(html, "1", "already matches")
    assert summary_says(html, "205", "roadmap items are not in the file")
    assert rows(learner) == before


def test_confirming_applies_exactly_the_preview(learner_client, learner, other_learner, roadmap):
    Progress.objects.create(
        user=learner, subtopic=Subtopic.objects.get(title="Vectors and matrices"), status="skipped"
    )
    Progress.objects.create(
        user=learner, subtopic=Subtopic.objects.get(title="Chain rule"), status="learning"
    )
    Progress.objects.create(
        user=learner, subtopic=Subtopic.objects.get(title="Adam optimizer"), status="done"
    )
    Progress.objects.create(
        user=other_learner, subtopic=Subtopic.objects.get(title="Matrix operations"), status="done"
    )
    first_completion = Progress.objects.get(user=learner, subtopic__title="Vectors and matrices")
    file = LINEAR_ALGEBRA + "\n- [ ] **Calculus**\n  - [ ] Chain rule\n"

    preview = upload(learner_client, file)
    planned = learner_client.session[SESSION_KEY]["changes"]
    learner_client.post(CONFIRM, {"token": token_in(preview)})

    ids = dict(Subtopic.objects.values_list("title", "pk"))
    assert sorted(planned) == sorted(
        [
            [ids["Vectors and matrices"], "done"],
            [ids["Matrix operations"], "learning"],
            [ids["Eigenvalues and eigenvectors"], "skipped"],
            [ids["Chain rule"], "pending"],
        ]
    )
    assert statuses(learner) == {
        "Vectors and matrices": "done",
        "Matrix operations": "learning",
        "Eigenvalues and eigenvectors": "skipped",
        "Adam optimizer": "done",
    }
    assert statuses(other_learner) == {"Matrix operations": "done"}
    # completed_at: kept from skipped to done, set for skipped, empty for learning.
    completed = dict(
        Progress.objects.filter(user=learner).values_list("subtopic__title", "completed_at")
    )
    assert completed["Vectors and matrices"] == first_completion.completed_at
    assert completed["Eigenvalues and eigenvectors"] is not None
    assert completed["Matrix operations"] is None


def test_a_confirm_token_cannot_be_replayed(learner_client, learner, roadmap):
    preview = upload(learner_client, LINEAR_ALGEBRA)
    token = token_in(preview)
    assert learner_client.post(CONFIRM, {"token": token}).status_code == 302
    Progress.objects.filter(user=learner).delete()

    response = learner_client.post(CONFIRM, {"token": token})

    assert response.status_code == 400
    assert "This preview has expired or was already applied." in response.content.decode()
    assert not Progress.objects.filter(user=learner).exists()


def test_a_wrong_token_applies_nothing_and_keeps_the_preview(learner_client, learner, roadmap):
    preview = upload(learner_client, LINEAR_ALGEBRA)

    assert learner_client.post(CONFIRM, {"token": "guess"}).status_code == 400
    assert learner_client.post(CONFIRM).status_code == 400
    assert not Progress.objects.exists()
    assert learner_client.post(CONFIRM, {"token": token_in(preview)}).status_code == 302
    assert len(statuses(learner)) == 3


def test_a_token_is_good_only_in_the_session_that_previewed(
    learner_client, learner, other_learner, roadmap
):
    token = token_in(upload(learner_client, LINEAR_ALGEBRA))
    other = Client()
    other.force_login(other_learner)

    assert other.post(CONFIRM, {"token": token}).status_code == 400
    assert not Progress.objects.exists()


def test_a_file_already_matching_has_nothing_to_confirm(learner_client, learner, roadmap):
    response = upload(
        learner_client, HEAD + "- [ ] **Linear Algebra**\n  - [ ] Matrix operations\n"
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert "there is nothing to change" in html
    assert 'name="token"' not in html
    assert SESSION_KEY not in learner_client.session


def test_items_not_on_the_roadmap_are_listed_as_warnings(learner_client, learner, roadmap):
    file = LINEAR_ALGEBRA + (
        "  - [x] Tensor decompositions\n"
        "  - [x] Vectors and matrices\n"
        "\n#### Quantum Foundations\n- [ ] **Qubits**\n  - [x] Superposition\n"
    )

    response = upload(learner_client, file)
    html = response.content.decode()

    assert response.status_code == 200
    assert summary_says(html, "3", "items in the file do not match the roadmap")
    assert (
        "Deep Learning Foundations › Mathematical Foundations › Linear Algebra › "
        "Tensor decompositions (line 12): not on the roadmap"
    ) in html
    assert "Linear Algebra › Vectors and matrices (line 13): listed more than once" in html
    assert "Quantum Foundations › Qubits › Superposition (line 17): not on the roadmap" in html
    learner_client.post(CONFIRM, {"token": token_in(response)})
    assert len(statuses(learner)) == 3


def test_matching_ignores_case_and_spacing_and_repairs_mojibake(learner_client, learner, roadmap):
    file = (
        "# Complete AI Engineer Roadmap\n\n"
        "## advanced deep learning &   architectures\n### 🖼️ Phase 2\n\n"
        "#### GENERATIVE AI  &  diffusion models\n"
        "- [ ] **diffusion Models**\n"
        "  - [x]   DALL·E   MODELS\n"
    )
    # The seed's own accident: UTF-8 read as Mac Roman ("DALL¬∑E").
    mojibake = file.encode("utf-8").decode("mac_roman")
    assert "DALL¬∑E" in mojibake

    response = upload(learner_client, mojibake)
    learner_client.post(CONFIRM, {"token": token_in(response)})

    assert statuses(learner) == {"DALL·E models": "done"}


def test_a_big_preview_is_cut_short_per_group(learner_client, learner, roadmap):
    give_progress(learner, cycle=["done"])
    text = learner_client.get(EXPORT).content.decode().replace("- [x] ", "- [ ] ")

    response = upload(learner_client, text)
    html = response.content.decode()

    assert summary_says(html, "210", "items will change: 210 set to not started.")
    shown = [
        item
        for item in find_all(html, "li")
        if "→ not started" in item.text and item.find_all("span", class_="context")
    ]
    assert len(shown) == 25
    assert "…and 185 more" in html


def nothing_matches():
    return LINEAR_ALGEBRA.replace("Linear Algebra", "Tensor Algebra")


BAD_FILES = {
    "nothing matches": (nothing_matches(), "Nothing in this file matches the roadmap."),
    "malformed": (
        "# Roadmap\n\n## Phase\n### Tagline\n\n  - a subtopic with no topic\n",
        "The file cannot be imported: line 6: a subtopic comes before any topic.",
    ),
    "no title": ("Just some notes\n", "line 1: the file must start with the roadmap"),
    "binary": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "line 3: not a text file (it contains NUL bytes)",
    ),
    "not utf-8": (
        LINEAR_ALGEBRA.encode("utf-8") + b"  - caf\xe9\n",
        "line 12: not valid UTF-8 text",
    ),
    "empty": (b"", "The file is empty."),
    "blank": ("\n   \n", "The file cannot be imported: the file is empty."),
    "oversized": (
        LINEAR_ALGEBRA.encode() + b"\n" + b"x" * MAX_IMPORT_BYTES,
        "The file is 257 KB; the limit is 256 KB.",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_are_refused_with_a_reason_and_change_nothing(
    case, learner_client, learner, roadmap
):
    Progress.objects.create(
        user=learner, subtopic=Subtopic.objects.get(title="Chain rule"), status="learning"
    )
    before = rows(learner)
    content, message = BAD_FILES[case]

    response = upload(learner_client, content)

    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert 'aria-invalid="true"' in response.content.decode()
    assert rows(learner) == before
    assert SESSION_KEY not in learner_client.session


def test_a_bad_file_does_not_throw_away_an_earlier_preview(learner_client, learner, roadmap):
    token = token_in(upload(learner_client, LINEAR_ALGEBRA))
    assert upload(learner_client, b"").status_code == 400

    assert learner_client.post(CONFIRM, {"token": token}).status_code == 302


def test_a_missing_file_is_refused(learner_client, learner, roadmap):
    response = learner_client.post(IMPORT, {})

    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()


def test_the_upload_form_is_labelled_and_multipart(learner_client, roadmap):
    html = learner_client.get(IMPORT).content.decode()

    assert 'enctype="multipart/form-data"' in html
    assert find_one(html, "label", for_="id_file").text == "Progress file (Markdown)"
    field = element_by_id(html, "id_file")
    assert (field.tag, field.attrs["type"], field.attrs["name"]) == ("input", "file", "file")
    assert "style=" not in html
    assert "<script>" not in html


def test_the_home_page_links_to_the_data_pages(learner_client, roadmap):
    html = learner_client.get(reverse("tracker:home")).content.decode()

    assert f'href="{EXPORT}"' in html
    assert f'href="{reverse("tracker:export_json")}"' in html
    assert f'href="{IMPORT}"' in html


def test_visitors_are_sent_to_sign_in(roadmap):
    visitor = Client()
    for response in (
        visitor.get(IMPORT),
        upload(visitor, LINEAR_ALGEBRA),
        visitor.post(CONFIRM, {"token": "x"}),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert not Progress.objects.exists()


def test_wrong_methods_are_refused(learner_client, roadmap):
    assert learner_client.get(CONFIRM).status_code == 405
    assert learner_client.put(IMPORT).status_code == 405
    assert learner_client.delete(CONFIRM).status_code == 405


def test_csrf_is_enforced_on_upload_and_confirm(learner, roadmap):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    relaxed = Client()
    relaxed.force_login(learner)
    token = token_in(upload(relaxed, LINEAR_ALGEBRA))

    assert upload(strict, LINEAR_ALGEBRA).status_code == 403
    assert strict.post(CONFIRM, {"token": token}).status_code == 403
    assert not Progress.objects.exists()


@pytest.mark.parametrize("cycle", [["done"], ["skipped", "learning", None]])
def test_applying_costs_a_bounded_number_of_queries(cycle, learner_client, learner, roadmap):
    small = upload(learner_client, LINEAR_ALGEBRA)
    with CaptureQueriesContext(connection) as few:
        learner_client.post(CONFIRM, {"token": token_in(small)})
    Progress.objects.filter(user=learner).delete()
    give_progress(learner, cycle=cycle)
    text = learner_client.get(EXPORT).content.decode()
    Progress.objects.filter(user=learner).delete()
    Progress.objects.create(
        user=learner, subtopic=Subtopic.objects.get(title="Chain rule"), status="learning"
    )
    large = upload(learner_client, text)
    with CaptureQueriesContext(connection) as many:
        learner_client.post(CONFIRM, {"token": token_in(large)})

    assert Progress.objects.filter(user=learner).count() == 210 - 70 * cycle.count(None)
    # The session is written through to the cache as well as the database.
    assert len(many) <= 21
    assert len(many) <= len(few) + 4


def test_the_parser_reads_ticks_and_status_notes():
    parsed = parse_roadmap(
        LINEAR_ALGEBRA
        + "  - [X] Ticked with a capital *(Skipped)*\n"
        + "  - Not a checkbox *(optional)*\n"
    )
    subtopics = parsed.phases[0].sections[0].topics[0].subtopics

    assert [(s.title, s.checked, s.note, file_status(s)) for s in subtopics] == [
        ("Vectors and matrices", True, "", "done"),
        ("Matrix operations", False, "learning", "learning"),
        ("Eigenvalues and eigenvectors", False, "skipped", "skipped"),
        ("Principal Component Analysis (PCA)", False, "", "pending"),
        ("Ticked with a capital", True, "skipped", "skipped"),
        ("Not a checkbox (optional)", False, "", "pending"),
    ]
