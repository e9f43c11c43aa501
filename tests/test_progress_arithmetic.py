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


def test_every_status_has_the_word_users_see():
    assert [(status.value, status.label) for status in Status] == [
        ("done", "done"),
        ("learning", "learning"),
        ("skipped", "skipped"),
        ("pending", "not started"),
    ]
