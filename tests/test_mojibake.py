"""The seed's Mac Roman mojibake is undone; clean text is never touched."""

import pytest

from tracker.content.mojibake import repair


def damage(text):
    """What the seed went through: UTF-8 bytes read as Mac Roman."""
    return text.encode("utf-8").decode("mac_roman")


@pytest.mark.parametrize("original", ["🧠", "🔥", "⚙️", "🖼️", "📌", "DALL·E models"])
def test_it_restores_the_seeds_characters(original):
    assert repair(damage(original)) == original


def test_it_restores_the_seeds_first_line():
    assert damage("🔥")[1:] == "üî•"  # the spelling the brief quotes, after U+F8FF
    assert repair(damage("# 🔥 Complete AI Engineer Roadmap\n")) == (
        "# 🔥 Complete AI Engineer Roadmap\n"
    )


@pytest.mark.parametrize(
    "clean",
    [
        "",
        "plain ASCII\n- [ ] **Linear Algebra**\n",
        "🧠 real emoji stay",
        "café and naïve",
        "DALL·E",
        "“Über” in curly quotes",
        "line one\r\nline two\r\n",
    ],
)
def test_it_leaves_clean_text_unchanged(clean):
    assert repair(clean) == clean


def test_it_repairs_damaged_lines_next_to_a_clean_emoji_line():
    text = "\n".join([damage("### 🧠 Phase 1"), "### 🔥 already fine", damage("- DALL·E")])

    assert repair(text) == "### 🧠 Phase 1\n### 🔥 already fine\n- DALL·E"


def test_it_leaves_a_line_alone_when_its_round_trip_fails():
    text = damage("🧠 Phase 1") + "\ncafé"

    assert repair(text) == "🧠 Phase 1\ncafé"


def test_it_refuses_a_round_trip_that_yields_control_characters():
    # "¬Ä" encodes to C2 80, valid UTF-8 for the C1 control U+0080: no
    # real text ever meant that.
    assert repair("¬Ä") == "¬Ä"


def test_repairing_twice_changes_nothing_more():
    once = repair(damage("### ⚙️ Phase 3\n- DALL·E models\n"))

    assert repair(once) == once
