"""The counting rules, without a database."""

from tracker.progress import Counts, tally, total_of


def test_percent_counts_done_and_skipped_as_complete():
    counts = Counts.of(["done", "skipped", "learning", None])
    assert (counts.done, counts.learning, counts.skipped, counts.total) == (1, 1, 1, 4)
    assert counts.completed == 2
    assert counts.pending == 1
    assert counts.percent == 50


def test_it_rounds_down_so_100_percent_means_everything():
    almost = Counts.of(["done"] * 209 + [None])
    assert almost.percent == 99
    assert not almost.is_complete
    everything = Counts.of(["done"] * 200 + ["skipped"] * 10)
    assert everything.percent == 100
    assert everything.is_complete


def test_learning_items_are_not_complete():
    counts = Counts.of(["learning", "learning"])
    assert counts.percent == 0
    assert not counts.is_complete


def test_an_empty_level_is_zero_percent_and_not_complete():
    assert Counts().percent == 0
    assert not Counts().is_complete


def test_counts_add_up():
    total = total_of([Counts(1, 2, 3, 10), Counts(4, 0, 1, 5)])
    assert total == Counts(5, 2, 4, 15)


def test_tally_rolls_up_topics_sections_and_phases():
    rows = [
        # topic, section, phase, status
        (1, 10, 100, "done"),
        (1, 10, 100, "skipped"),
        (2, 10, 100, None),
        (3, 20, 200, "learning"),
    ]
    result = tally(rows)
    assert result.topics[1] == Counts(1, 0, 1, 2)
    assert result.topics[1].is_complete
    assert result.sections[10] == Counts(1, 0, 1, 3)
    assert result.phases[200] == Counts(0, 1, 0, 1)
    assert result.overall == Counts(1, 1, 1, 4)
    assert result.overall.percent == 50
