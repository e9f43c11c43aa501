"""Progress arithmetic, free of the database so it can be read and tested alone.

Every subtopic has a Status (PENDING when the learner has no row for it). An
item is complete when it is done or skipped, and every level (topic, section,
phase, roadmap) rolls up the same way from its subtopics.
"""

from dataclasses import dataclass

from tracker.progress.status import Status


@dataclass(frozen=True, slots=True)
class Counts:
    done: int = 0
    learning: int = 0
    skipped: int = 0
    total: int = 0
    # Estimated hours of study: of every item, and of the complete ones.
    hours: int = 0
    hours_completed: int = 0

    @classmethod
    def of(cls, statuses):
        """Count an iterable of statuses, one per subtopic."""
        done = learning = skipped = total = 0
        for status in statuses:
            total += 1
            if status == Status.DONE:
                done += 1
            elif status == Status.LEARNING:
                learning += 1
            elif status == Status.SKIPPED:
                skipped += 1
        return cls(done, learning, skipped, total)

    @property
    def completed(self):
        return self.done + self.skipped

    @property
    def percent(self):
        # Rounded down, so 100% shows exactly when every item is complete and
        # 209 of 210 reads 99%, not a misleading 100%.
        if not self.total:
            return 0
        return self.completed * 100 // self.total

    @property
    def hours_left(self):
        return self.hours - self.hours_completed

    @property
    def is_complete(self):
        return self.total > 0 and self.completed == self.total
