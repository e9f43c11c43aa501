"""Home's "Continue where you left off": where the learner was last working."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.helpers import find_one
from tracker.models import Progress, Subtopic

HOME = reverse("tracker:home")


def in_order():
    return list(
        Subtopic.objects.order_by(
            "topic__section__phase__order", "topic__section__order", "topic__order", "order"
        )
    )


def mark(user, subtopic, status, minutes_ago):
    """A row last touched (and, when complete, completed) `minutes_ago`."""
    when = timezone.now() - timedelta(minutes=minutes_ago)
    row = Progress.objects.create(user=user, subtopic=subtopic, status=status)
    completed = when if status in ("done", "skipped") else None
    Progress.objects.filter(pk=row.pk).update(updated_at=when, completed_at=completed)


def continue_section(client):
    return find_one(client.get(HOME).content.decode(), "section", class_="continue")


def continues_at(client, subtopic):
    """The section links to `subtopic` on the roadmap, by its title, and to nothing else."""
    links = continue_section(client).find_all("a")
    return [(link.attrs["href"], link.text) for link in links] == [
        (f"/#subtopic-{subtopic.pk}", subtopic.title)
    ]


def test_a_new_learner_starts_at_the_first_item(learner_client, roadmap):
    assert continues_at(learner_client, in_order()[0])


def test_it_prefers_the_learning_item_touched_last(learner_client, learner, roadmap):
    items = in_order()
    mark(learner, items[3], "learning", minutes_ago=60)
    mark(learner, items[150], "learning", minutes_ago=5)
    mark(learner, items[100], "done", minutes_ago=1)

    assert continues_at(learner_client, items[150])


def test_without_learning_items_it_goes_on_after_the_latest_completion(
    learner_client, learner, roadmap
):
    items = in_order()
    mark(learner, items[120], "done", minutes_ago=2)
    mark(learner, items[121], "skipped", minutes_ago=30)
    mark(learner, items[0], "done", minutes_ago=60)

    # Not items[1], the first gap in roadmap order: the learner was working
    # around item 120, and 121 is already complete.
    assert continues_at(learner_client, items[122])


def test_after_the_last_item_it_wraps_round_to_the_first_gap(learner_client, learner, roadmap):
    items = in_order()
    mark(learner, items[0], "done", minutes_ago=10)
    mark(learner, items[-1], "done", minutes_ago=1)

    assert continues_at(learner_client, items[1])


def test_when_everything_is_complete_it_says_so(learner_client, learner, roadmap):
    Progress.objects.bulk_create(
        Progress(user=learner, subtopic=subtopic, status="done", completed_at=timezone.now())
        for subtopic in in_order()
    )
    section = continue_section(learner_client)
    assert "You have completed every item on the roadmap." in section.text
    assert section.find_all("a") == []
