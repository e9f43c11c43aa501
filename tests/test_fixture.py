"""The committed content fixture: loads in place, and still matches the seed."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tracker.models import Phase, Roadmap, Subtopic

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FIXTURE_JSON = FIXTURES / "ai_engineer_roadmap.json"
FIXTURE_MD = FIXTURES / "ai_engineer_roadmap.md"
SEED_DIR = Path(settings.BASE_DIR).parent / "shared" / "seed"
MOJIBAKE = ("\uf8ff", "üß", "üî", "üñ", "¬∑", "‚Ä", "‚ö", "Ô∏")
CONTENT = (
    "tracker.Roadmap",
    "tracker.Phase",
    "tracker.Section",
    "tracker.Topic",
    "tracker.Subtopic",
    "tracker.Resource",
)


def load_fixture():
    call_command("loaddata", str(FIXTURE_JSON), verbosity=0)


def test_the_markdown_copy_is_the_seed_byte_for_byte():
    seed = SEED_DIR / "000_6e96a5d11c08dd98.txt"
    if not SEED_DIR.is_dir():
        pytest.skip(f"the shared seed directory {SEED_DIR} is not on this machine")

    assert FIXTURE_MD.read_bytes() == seed.read_bytes()


def test_the_fixture_holds_real_characters_not_mojibake():
    text = FIXTURE_JSON.read_text(encoding="utf-8")

    assert not [marker for marker in MOJIBAKE if marker in text]
    assert all(record.get("pk") is None for record in json.loads(text))


@pytest.mark.django_db
def test_the_fixture_loads_the_repaired_roadmap():
    load_fixture()

    assert Roadmap.objects.get().title == "Complete AI Engineer Roadmap"
    assert Phase.objects.get(order=1).icon == "🧠"
    assert Subtopic.objects.filter(title="DALL·E models").exists()
    assert Subtopic.objects.count() == 210


@pytest.mark.django_db
def test_loading_the_fixture_twice_updates_in_place():
    load_fixture()
    before = list(Subtopic.objects.order_by("pk").values_list("pk", "topic_id", "slug"))

    load_fixture()

    assert Subtopic.objects.count() == 210
    assert Phase.objects.count() == 6
    assert list(Subtopic.objects.order_by("pk").values_list("pk", "topic_id", "slug")) == before


@pytest.mark.django_db
def test_the_committed_fixture_still_matches_the_seed():
    """Fails when the importer's output drifts: run fixtures/regenerate.sh."""
    call_command("import_roadmap", str(FIXTURE_MD), stdout=StringIO())
    out = StringIO()
    call_command(
        "dumpdata", *CONTENT, natural_foreign=True, natural_primary=True, indent=2, stdout=out
    )

    assert json.loads(out.getvalue()) == json.loads(FIXTURE_JSON.read_text(encoding="utf-8"))


def test_the_shared_roadmap_fixture_finds_the_committed_file(roadmap):
    assert roadmap.slug == "complete-ai-engineer-roadmap"
    assert Subtopic.objects.filter(topic__section__phase__roadmap=roadmap).count() == 210
