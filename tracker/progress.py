"""Progress arithmetic, free of Django so it can be read and tested alone.

A subtopic's status is "done", "learning", "skipped" or None (pending). An item
counts as complete when it is done or skipped, and every level (topic, section,
phase, roadmap) rolls up the same way from its subtopics.
"""

from dataclasses import dataclass

DONE = "done"
LEARNING = "learning"
SKIPPED = "skipped"
PENDING = "pending"
COMPLETE_STATUSES = frozenset({DONE, SKIPPED})


@dataclass(frozen=True, slots=True)
class Counts:
    done: int = 0
    learning: int = 0
    skipped: int = 0
    total: int = 0

    @classmethod
    def of(cls, statuses):
        """Count an iterable of statuses, one per subtopic (None for pending)."""
        done = learning = skipped = total = 0
        for status in statuses:
            total += 1
            if status == DONE:
                done += 1
            elif status == LEARNING:
                learning += 1
            elif status == SKIPPED:
                skipped += 1
        return cls(done, learning, skipped, total)

    def __add__(self, other):
        return Counts(
            self.done + other.done,
            self.learning + other.learning,
            self.skipped + other.skipped,
            self.total + other.total,
        )

    @property
    def completed(self):
        return self.done + self.skipped

    @property
    def pending(self):
        return self.total - self.done - self.learning - self.skipped

    @property
    def percent(self):
        # Rounded down, so 100% shows exactly when every item is complete and
        # 209 of 210 reads 99%, not a misleading 100%.
        if not self.total:
            return 0
        return self.completed * 100 // self.total

    @property
    def is_complete(self):
        return self.total > 0 and self.completed == self.total


def total_of(counts):
    return sum(counts, Counts())


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts for every topic, section and phase of a roadmap, and overall."""

    topics: dict
    sections: dict
    phases: dict
    overall: Counts


def tally(rows):
    """Roll up (topic_id, section_id, phase_id, status) rows, one per subtopic."""
    statuses = {"topics": {}, "sections": {}, "phases": {}}
    every = []
    for topic_id, section_id, phase_id, status in rows:
        statuses["topics"].setdefault(topic_id, []).append(status)
        statuses["sections"].setdefault(section_id, []).append(status)
        statuses["phases"].setdefault(phase_id, []).append(status)
        every.append(status)
    return Tally(
        topics={key: Counts.of(value) for key, value in statuses["topics"].items()},
        sections={key: Counts.of(value) for key, value in statuses["sections"].items()},
        phases={key: Counts.of(value) for key, value in statuses["phases"].items()},
        overall=Counts.of(every),
    )
