"""The guide's topic files: read and written by tracker.content.guide, without a database."""

import pytest

from tracker.content import guide

CANONICAL = """+++
prerequisites = ["deep-learning-foundations/mathematical-foundations/calculus"]

[[subtopics]]
slug = "chain-rule"  # Chain rule
hours = 3
explanation = "How derivatives of \\"nested\\" functions multiply."

[[resources]]
title = "Deep Learning, chapter 6"
url = "https://www.deeplearningbook.org/contents/mlp.html"
kind = "book"
free = true
+++

Backpropagation applies the chain rule.

## Why it matters

Every framework's autograd is this.
"""


def test_a_canonical_file_is_written_back_byte_for_byte():
    parsed = guide.parse(CANONICAL)
    parsed.subtopics[0].title = "Chain rule"  # the comment, which the database supplies
    assert guide.render(parsed) == CANONICAL


def test_it_reads_every_part():
    parsed = guide.parse(CANONICAL)
    assert parsed.prerequisites == ["deep-learning-foundations/mathematical-foundations/calculus"]
    assert parsed.subtopics == [
        guide.GuideSubtopic("chain-rule", 3, 'How derivatives of "nested" functions multiply.')
    ]
    assert parsed.resources == [
        guide.GuideResource(
            "Deep Learning, chapter 6",
            "https://www.deeplearningbook.org/contents/mlp.html",
            "book",
            True,
        )
    ]
    assert parsed.explanation == "Backpropagation applies the chain rule."
    assert parsed.why_it_matters == "Every framework's autograd is this."


def test_awkward_text_survives_a_round_trip():
    topic = guide.GuideTopic(
        explanation="Line one\n\n- a list with `code` and a \\ backslash\n- **bold** ünïcödé 🧠",
        why_it_matters="Quotes \" and ' and a tab\there, DEL \x7f, a form feed \x0c.",
        prerequisites=["a/b/c", "d/e/f"],
        subtopics=[guide.GuideSubtopic("s", 0, 'He said "hi"\\n literally')],
        resources=[guide.GuideResource('T "q"', "http://example.org/?a=1&b=2", "paper", False)],
    )
    assert guide.parse(guide.render(topic)) == topic


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("no header at all", "TOML header"),
        ("+++\nprerequisites = [\n+++\n", "not valid TOML"),
        ('+++\n[[resources]]\ntitle = "t"\nurl = "https://x.org"\nkind = "blog"\n+++\n', "kind"),
        ('+++\n[[resources]]\ntitle = "t"\nurl = "javascript:x"\nkind = "docs"\n+++\n', "http"),
        ('+++\n[[subtopics]]\nslug = "s"\nhours = 2.5\n+++\n', "whole number"),
        ("+++\n[[subtopics]]\nhours = 2\n+++\n", "missing"),
        ("+++\nprerequisites = [1]\n+++\n", "must be text"),
    ],
)
def test_a_malformed_file_is_refused_with_a_reason(text, problem):
    with pytest.raises(guide.GuideFormatError, match=problem):
        guide.parse(text)


def test_a_folder_reads_one_topic_per_file_by_slug_path(tmp_path):
    path = tmp_path / "phase" / "section" / "topic.md"
    path.parent.mkdir(parents=True)
    path.write_text(CANONICAL, encoding="utf-8")
    (tmp_path / "README.md").write_text("not a topic", encoding="utf-8")
    assert list(guide.read_folder(tmp_path)) == ["phase/section/topic"]


def test_a_broken_file_in_a_folder_is_named(tmp_path):
    path = tmp_path / "phase" / "section" / "topic.md"
    path.parent.mkdir(parents=True)
    path.write_text("nothing", encoding="utf-8")
    with pytest.raises(guide.GuideFormatError, match="topic.md"):
        guide.read_folder(tmp_path)
