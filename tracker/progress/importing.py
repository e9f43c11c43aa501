"""Read a progress export back: match its items to the roadmap, work out the change.

Items are matched by title under their phase, section and topic, compared
case-insensitively with whitespace collapsed, so a hand-edited file or one
from before a spelling fix of capitals still lines up. Titles, not slugs or
ids, because the file is meant to be read and edited by people and to move
between accounts and sites.

The file is a snapshot of the items it lists: each of them takes the state
the file gives it, unticked meaning pending. Roadmap items the file does not
list (added after the export, say) are left as they are.
"""

import unicodedata
from dataclasses import dataclass, field

from tracker.content.models import Subtopic
from tracker.progress import marking
from tracker.progress.loader import load_progress
from tracker.progress.status import Status

# The order the preview lists its groups in.
STATUS_ORDER = (Status.DONE, Status.LEARNING, Status.SKIPPED, Status.PENDING)


@dataclass(frozen=True)
class Change:
    subtopic_id: int
    title: str
    topic: str
    old: str
    new: str


@dataclass(frozen=True)
class Group:
    status: str
    changes: list
    limit: int

    @property
    def shown(self):
        return self.changes[: self.limit]

    @property
    def more(self):
        return max(len(self.changes) - self.limit, 0)


@dataclass
class ImportPlan:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    # Roadmap subtopics the file does not list; they keep their state.
    missing: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def matched(self):
        return len(self.changes) + self.unchanged

    def groups(self, limit=25):
        """The changes by the state they lead to, each list cut at `limit`."""
        groups = []
        for status in STATUS_ORDER:
            changes = [change for change in self.changes if change.new == status]
            if changes:
                groups.append(Group(status, changes, limit))
        return groups

    def pairs(self):
        """[[subtopic_id, status]]: all that applying the plan needs to keep.

        Lists, not tuples: they go into the session, which reads back JSON's
        lists from the database but whatever it stored from the cache.
        """
        return [[change.subtopic_id, change.new.value] for change in self.changes]


def normalise(title):
    return " ".join(unicodedata.normalize("NFC", title).split()).casefold()


def file_status(parsed_subtopic):
    """A note wins over the box: `[x] Title *(skipped)*` is skipped."""
    if parsed_subtopic.note:
        return Status(parsed_subtopic.note)
    return Status.DONE if parsed_subtopic.checked else Status.PENDING


def plan_import(parsed, progress):
    """Compare a parsed file with a learner's RoadmapProgress."""
    index = {}
    total = 0
    for phase in progress.phases:
        for section in phase.sections.all():
            for topic in section.topics.all():
                for subtopic in topic.subtopics.all():
                    key = _key(phase, section, topic, subtopic)
                    index.setdefault(key, []).append((subtopic, topic))
                    total += 1

    plan = ImportPlan()
    for phase, section, topic, item in _items(parsed):
        key = _key(phase, section, topic, item)
        candidates = index.get(key)
        where = f"{phase.title} › {section.title} › {topic.title} › {item.title}"
        if candidates is None:
            plan.warnings.append(f"{where} (line {item.line}): not on the roadmap")
            continue
        if not candidates:
            plan.warnings.append(f"{where} (line {item.line}): listed more than once")
            continue
        subtopic, parent = candidates.pop(0)
        old, new = subtopic.status, file_status(item)
        if old == new:
            plan.unchanged += 1
        else:
            plan.changes.append(Change(subtopic.pk, subtopic.title, parent.title, old, new))
    plan.missing = total - plan.matched
    return plan


def load_plan(user, tree, parsed):
    """plan_import against the database: the same queries whatever the file holds."""
    return plan_import(parsed, load_progress(tree, user))


def apply_changes(user, roadmap, pairs):
    """Apply [(subtopic_id, status)] from a plan at once; return how many applied.

    Items removed from the roadmap since the preview are dropped rather than
    failing the whole import. The write is apply_statuses' own transaction,
    the outermost, so an item removed between this check and its commit is
    its ItemGone (a 404), not an IntegrityError raised on the way out.
    """
    wanted = {pk: status for pk, status in pairs if status in STATUS_ORDER}
    existing = set(
        Subtopic.objects.filter(
            pk__in=list(wanted), topic__section__phase__roadmap=roadmap
        ).values_list("pk", flat=True)
    )
    changes = [(pk, status) for pk, status in wanted.items() if pk in existing]
    marking.apply_statuses(user, changes)
    return len(changes)


def _items(parsed):
    for phase in parsed.phases:
        for section in phase.sections:
            for topic in section.topics:
                for subtopic in topic.subtopics:
                    yield phase, section, topic, subtopic


def _key(phase, section, topic, subtopic):
    return tuple(normalise(item.title) for item in (phase, section, topic, subtopic))
