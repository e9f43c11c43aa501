"""The counting rules, without a database."""

from tracker.progress.counting import Counts
from tracker.progress.status import Status


def test_percent_counts_done_and_skipped_as_complete():
    counts = Counts.of(["done", "skipped", "learning", Status.PENDING])
    assert (counts.done, counts.learning, counts.skipped, counts.total) == (1, 1, 1, 4)
    assert counts.completed == 2
    assert counts.percent == 50


def test_it_rounds_down_so_100_percent_means_everything():
    almost = Counts.of(["done"] * 209 + [Status.PENDING])
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


def test_a_level_rolls_up_the_counts_of_its_children():
    topics = [Counts.of(["done", "skipped"]), Counts.of([Status.PENDING])]
    section = Counts.sum(topics)
    assert topics[0].is_complete
    assert section == Counts(1, 0, 1, 3)
    assert not section.is_complete
    assert Counts.sum([section, Counts.of(["learning"])]) == Counts(1, 1, 1, 4)
    assert Counts.sum([]) == Counts()


def test_every_status_has_the_word_users_see():
    assert [(status.value, status.label) for status in Status] == [
        ("done", "done"),
        ("learning", "learning"),
        ("skipped", "skipped"),
        ("pending", "not started"),
    ]
