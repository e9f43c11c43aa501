"""The Markdown parser, on the real seed and on small hand-written files."""

from pathlib import Path

import pytest

from tracker.content.markdown import (
    RoadmapFormatError,
    parse_roadmap,
    read_roadmap_file,
    split_icon,
)
from tracker.content.mojibake import repair

SEED_COPY = Path(__file__).resolve().parent.parent / "fixtures" / "ai_engineer_roadmap.md"

HEAD = "# Roadmap\n\nIntro.\n\n## Phase one\n### 🧠 Phase 1: Start\n\n"


@pytest.fixture(scope="module")
def seed():
    return parse_roadmap(repair(read_roadmap_file(SEED_COPY)))


def parse_error(text):
    with pytest.raises(RoadmapFormatError) as caught:
        parse_roadmap(text)
    return caught.value


def test_it_finds_every_level_of_the_seed(seed):
    sections = [section for phase in seed.phases for section in phase.sections]
    topics = [topic for section in sections for topic in section.topics]

    assert len(seed.phases) == 6
    assert len(sections) == 20
    assert len(topics) == 55
    assert sum(len(topic.subtopics) for topic in topics) == 210


def test_it_reads_the_roadmap_title_intro_and_timeline(seed):
    assert seed.title == "Complete AI Engineer Roadmap"
    assert seed.intro.startswith("An interactive guide to becoming an AI Full-Stack Engineer")
    assert seed.timeline.startswith("This roadmap is designed to help you become")
    assert seed.timeline.endswith("within 6 months of dedicated learning and practice.")
    assert seed.duration == "6 months"


def test_it_skips_the_table_of_contents(seed):
    assert seed.phases[0].title == "Deep Learning Foundations"
    assert seed.phases[-1].title == "Final Goals & Career Outcomes"


def test_it_splits_icon_and_tagline_from_the_repaired_seed(seed):
    assert [(phase.icon, phase.tagline) for phase in seed.phases] == [
        ("🧠", "Phase 1: Building Your Foundation"),
        ("🖼️", "Phase 2: Specializing in Key Architectures"),
        ("⚙️", "Phase 3: Broadening Your ML Knowledge"),
        ("🌐", "Phase 4: Productionizing AI Systems"),
        ("💻", "Phase 5: Building Complete AI Products"),
        ("📌", "Becoming a Complete AI Engineer"),
    ]


def test_it_keeps_items_in_file_order(seed):
    first_phase, last_phase = seed.phases[0], seed.phases[-1]
    linear_algebra = first_phase.sections[0].topics[0]

    assert first_phase.sections[0].title == "Mathematical Foundations"
    assert first_phase.sections[-1].title == "Training & Optimization Techniques"
    assert linear_algebra.title == "Linear Algebra"
    assert [subtopic.title for subtopic in linear_algebra.subtopics] == [
        "Vectors and matrices",
        "Matrix operations",
        "Eigenvalues and eigenvectors",
        "Principal Component Analysis (PCA)",
    ]
    assert first_phase.sections[-1].topics[-1].title == "Transfer Learning"
    assert last_phase.sections[-1].topics[-1].title == "Access career opportunities"
    assert last_phase.sections[-1].topics[-1].subtopics[-1].title == "Consulting opportunities"


def test_it_gives_the_last_phase_one_section_named_after_its_tagline(seed):
    last = seed.phases[-1]

    assert [section.title for section in last.sections] == ["Becoming a Complete AI Engineer"]
    assert last.intro == "After completing this roadmap, you should be able to:"
    assert [topic.title for topic in last.sections[0].topics] == [
        "Build & deploy AI models at scale",
        "Create AI-powered SaaS products",
        "Optimize & fine-tune LLMs for industry applications",
        "Access career opportunities",
    ]


def test_it_strips_subtopic_titles_and_keeps_repaired_characters(seed):
    titles = [
        subtopic.title
        for phase in seed.phases
        for section in phase.sections
        for topic in section.topics
        for subtopic in topic.subtopics
    ]

    assert "React.js(Basics)" in titles
    assert "DALL·E models" in titles
    assert all(title == title.strip() for title in titles)


def test_it_records_source_lines(seed):
    phase = seed.phases[0]
    topic = phase.sections[0].topics[0]

    assert (seed.line, phase.line, phase.sections[0].line) == (1, 15, 18)
    assert (topic.line, topic.subtopics[0].line) == (19, 20)


def test_it_accepts_star_bullets_ticked_boxes_and_wider_indents():
    roadmap = parse_roadmap(
        HEAD + "#### Basics\n* [x] **Algebra**\n    * Vectors\n    * Matrices\n"
        "* [X] **Calculus**\n\n    - Limits\n"
    )

    topics = roadmap.phases[0].sections[0].topics
    assert [(t.title, [s.title for s in t.subtopics]) for t in topics] == [
        ("Algebra", ["Vectors", "Matrices"]),
        ("Calculus", ["Limits"]),
    ]


def test_it_reads_a_description_after_the_bold_title():
    roadmap = parse_roadmap(
        HEAD + "#### Basics\n- [ ] **Algebra** — the `numpy` way\n  - Vectors\n"
        "- [ ] **Calculus**: limits first\n  - Limits\n"
    )

    topics = roadmap.phases[0].sections[0].topics
    assert [(t.title, t.description) for t in topics] == [
        ("Algebra", "the numpy way"),
        ("Calculus", "limits first"),
    ]


def test_it_reads_the_phase_intro_after_the_tagline():
    roadmap = parse_roadmap(HEAD + "Start here.\n\n#### Basics\n- [ ] **Algebra**\n  - Vectors\n")

    assert roadmap.phases[0].intro == "Start here."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("🔥 Complete AI Engineer Roadmap", ("🔥", "Complete AI Engineer Roadmap")),
        ("⚙️ Phase 3", ("⚙️", "Phase 3")),
        ("🖼️ Phase 2", ("🖼️", "Phase 2")),
        ("Phase without icon", ("", "Phase without icon")),
        ("(Optional) extras", ("", "(Optional) extras")),
    ],
)
def test_it_splits_a_leading_emoji_from_a_heading(text, expected):
    assert split_icon(text) == expected


@pytest.mark.parametrize("text", ["", "   \n\n\t\n"])
def test_it_refuses_an_empty_file(text):
    error = parse_error(text)

    assert error.line is None
    assert str(error) == "the file is empty"


def test_it_refuses_a_file_without_a_phase():
    error = parse_error("# Roadmap\n\nJust an intro.\n")

    assert "no phase" in str(error)


def test_it_refuses_a_subtopic_before_any_topic():
    error = parse_error(HEAD + "#### Basics\n  - Vectors\n- [ ] **Algebra**\n  - Matrices\n")

    assert error.line == 9
    assert str(error) == "line 9: a subtopic comes before any topic"


def test_it_refuses_a_topic_before_any_phase():
    error = parse_error("# Roadmap\n\n- [ ] **Algebra**\n  - Vectors\n\n## Phase\n")

    assert str(error) == "line 3: a topic comes before any phase"


def test_it_refuses_a_section_with_no_phase():
    error = parse_error("# Roadmap\n\n#### Basics\n- [ ] **Algebra**\n  - Vectors\n")

    assert str(error) == "line 3: a #### heading comes before any phase"


def test_it_refuses_a_phase_with_no_topics():
    error = parse_error(HEAD + "## Phase two\n#### Basics\n- [ ] **Algebra**\n  - Vectors\n")

    assert str(error) == 'line 5: phase "Phase one" has no topics'


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("#### Basics\n#### More\n- [ ] **Algebra**\n  - Vectors\n", 8, "has no topics"),
        ("#### Basics\n- [ ] **Algebra**\n", 9, "has no subtopics"),
        ("#### Basics\n- [ ] **Algebra**\n  - Vectors\n    - Deeper\n", 10, "two levels"),
        ("#### Basics\n- [ ] **Algebra**\n  - Vectors\n- Matrices\n", 11, "neither a topic"),
        ("#### Basics\n\n    - Vectors\n", 10, "unexpected code block"),
        ("#### Basics\n##### Deeper\n", 9, "unexpected ##### heading"),
        ("### 🔥 Another tagline\n", 8, "one ### line"),
    ],
)
def test_it_refuses_other_malformed_shapes(body, line, words):
    error = parse_error(HEAD + body)

    assert error.line == line
    assert words in str(error)


def test_it_refuses_text_before_the_title():
    error = parse_error("Intro first.\n\n# Roadmap\n")

    assert str(error) == "line 1: the file must start with the roadmap's `# Title`"


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(RoadmapFormatError, match="no such file"):
        read_roadmap_file(tmp_path / "missing.md")


def test_it_refuses_a_directory(tmp_path):
    with pytest.raises(RoadmapFormatError, match="cannot read the file"):
        read_roadmap_file(tmp_path)


def test_it_refuses_nul_bytes_naming_the_line(tmp_path):
    path = tmp_path / "binary.md"
    path.write_bytes(b"# Roadmap\n\n\x00\x01\x02")

    with pytest.raises(RoadmapFormatError, match=r"^line 3: not a text file"):
        read_roadmap_file(path)


def test_it_refuses_invalid_utf8_naming_the_line(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("# Roadmap\nCaf\u00e9\n".encode("latin-1"))

    with pytest.raises(RoadmapFormatError, match=r"^line 2: not valid UTF-8"):
        read_roadmap_file(path)


def test_it_reads_utf8_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff# Roadmap\n".encode())

    assert read_roadmap_file(path) == "# Roadmap\n"
