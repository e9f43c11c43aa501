"""Write a parsed roadmap to the database, updating the existing rows in place.

Which existing row each item of the file keeps is decided first, by
tracker.content.import_plan, without writing anything; this module applies
that plan. Learners' progress points at subtopics by primary key, so a kept
row (renamed, reordered or moved to another topic) keeps its progress, and a
removed row takes its progress with it: that happens only when the caller
says so (`allow_progress_loss`), after showing the plan.
"""

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from django.db import transaction

from tracker.content.guide import GuideSubtopic, GuideTopic, topic_path
from tracker.content.import_plan import LEVELS, PARENT_FIELD, plan_import
from tracker.content.markdown import RoadmapFormatError
from tracker.content.models import Phase, Resource, Roadmap, Section, Subtopic, Topic

MODELS = (Roadmap, Phase, Section, Topic, Subtopic, Resource)
# What deleting content may take along without deleting a learner's data.
CONTENT_LABELS = {model._meta.label for model in MODELS} | {Topic.prerequisites.through._meta.label}


class ProgressLossRefused(Exception):
    """Applying the import would delete learners' data and nobody agreed to it."""


@dataclass
class ImportSummary:
    roadmap: Roadmap | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    # Rows this import created: filling in their guide is not an update.
    new: set = field(default_factory=set)

    def __str__(self):
        lines = [f'Imported "{self.roadmap}".']
        for verb, counts in (("Created", self.created), ("Updated", self.updated)):
            lines.append(f"{verb}: {_describe(counts)}.")
        lines.append(f"Deleted: {_describe(self.deleted)}.")
        return "\n".join(lines)


def import_roadmap(parsed, guide=None, *, allow_progress_loss=False) -> ImportSummary:
    """Plan and apply `parsed` (and, when given, the guide's {slug path: GuideTopic}).

    Raises ProgressLossRefused, having written nothing, when the import would
    delete progress and `allow_progress_loss` is false.
    """
    with transaction.atomic():
        plan = plan_import(parsed)
        return apply_plan(plan, guide, allow_progress_loss=allow_progress_loss)


def apply_plan(plan, guide=None, *, allow_progress_loss=False) -> ImportSummary:
    """Write `plan`, all of it or (on any error) nothing.

    Call it in the transaction the plan was made in: the plan holds the rows
    it read. With a guide, the guide is the whole truth about the guide's
    text: a topic without a file has its explanation, estimates and resources
    cleared.
    """
    summary = ImportSummary()
    with transaction.atomic():
        summary.roadmap = _write_roadmap(plan, summary)
        rows = {}
        for planned in plan.rows():
            parent_row = summary.roadmap if planned.parent is None else rows[planned.parent]
            rows[planned] = _write(planned, parent_row, summary)
        # Rows move to their new parents above, before any old parent is
        # deleted here, so no cascade takes a row the file still has.
        _delete(plan.removed_rows, summary, allow_progress_loss)
        if guide is not None:
            _apply_guide(_topics_by_path(plan, rows), guide, summary)
    return summary


def _write_roadmap(plan, summary):
    parsed = plan.parsed
    values = {
        "title": parsed.title,
        "intro": parsed.intro,
        "timeline": parsed.timeline,
        "duration": parsed.duration,
    }
    if plan.roadmap is None:
        summary.created["Roadmap"] += 1
        return Roadmap.objects.create(slug=plan.roadmap_slug, **values)
    _update(plan.roadmap, values, summary)
    return plan.roadmap


def _write(planned, parent_row, summary):
    """Create or update the planned row under `parent_row`; return the row."""
    model, parent_field = planned.model, PARENT_FIELD[planned.model]
    values = _values(model, planned.item, planned.order)
    if planned.row is None:
        row = model.objects.create(**{parent_field: parent_row}, slug=planned.slug, **values)
        summary.created[model.__name__] += 1
        summary.new.add((model, row.pk))
        return row
    # The parent by id: comparing the related objects would load each one.
    values |= {"slug": planned.slug, f"{parent_field}_id": parent_row.pk}
    _update(planned.row, values, summary)
    return planned.row


def _delete(removed_rows, summary, allow_progress_loss):
    # Leaves first: a parent's delete then only cascades to what the file dropped.
    for model in reversed(LEVELS):
        pks = [row.pk for row in removed_rows if type(row) is model]
        if not pks:
            continue
        _, per_model = model.objects.filter(pk__in=pks).delete()
        learners_data = {label for label, count in per_model.items() if count} - CONTENT_LABELS
        if learners_data and not allow_progress_loss:
            # The plan said no progress goes, but a learner ticked a removed
            # item since it was read (or a new kind of learner data hangs off
            # content): raising rolls the whole import back.
            raise ProgressLossRefused(
                f"removing these {model._meta.verbose_name_plural} would delete "
                f"learners' data ({', '.join(sorted(learners_data))})"
            )
        for label, count in per_model.items():
            summary.deleted[label.rsplit(".", 1)[-1]] += count


def _topics_by_path(plan, rows):
    """{slug path: (topic row, [its subtopic rows in file order])} for the guide."""
    topics = {}
    for planned in plan.rows():
        if planned.model is Topic:
            section = planned.parent
            path = topic_path(section.parent.slug, section.slug, planned.slug)
            topics[path] = (rows[planned], [rows[child] for child in planned.children])
    return topics


def _apply_guide(topics, guide, summary):
    unknown = sorted(set(guide) - set(topics))
    if unknown:
        raise RoadmapFormatError(f"guide files for topics not in the roadmap: {', '.join(unknown)}")
    for path, (topic, subtopics) in topics.items():
        entry = guide.get(path, GuideTopic())
        values = {"explanation": entry.explanation, "why_it_matters": entry.why_it_matters}
        _update(topic, values, summary)
        _apply_subtopics(path, subtopics, entry.subtopics, summary)
        _apply_prerequisites(path, topic, entry.prerequisites, topics, summary)
        _sync_resources(path, topic, entry.resources, summary)


def _apply_subtopics(path, rows, entries, summary):
    by_slug = {entry.slug: entry for entry in entries}
    unknown = sorted(set(by_slug) - {row.slug for row in rows})
    if unknown:
        raise RoadmapFormatError(f"{path}: no subtopics {', '.join(unknown)} in the roadmap")
    for row in rows:
        entry = by_slug.get(row.slug, GuideSubtopic(row.slug))
        _check_length(Subtopic, "explanation", entry.explanation, path)
        _update(row, {"hours": entry.hours, "explanation": entry.explanation}, summary)


def _apply_prerequisites(path, topic, paths, topics, summary):
    missing = [needed for needed in paths if needed not in topics or needed == path]
    if missing:
        raise RoadmapFormatError(f"{path}: unknown prerequisites {', '.join(missing)}")
    wanted = {topics[needed][0].pk for needed in paths}
    if wanted != set(topic.prerequisites.values_list("pk", flat=True)):
        topic.prerequisites.set(wanted)
        if (Topic, topic.pk) not in summary.new:
            summary.updated["Topic prerequisites"] += 1


def _sync_resources(path, topic, entries, summary):
    """Resources match by URL within their topic; order follows the file."""
    unmatched = {row.url: row for row in topic.resources.all()}
    rows = [unmatched.pop(entry.url, None) for entry in entries]
    for order, row, entry in zip(_orders(rows, bool(unmatched)), rows, entries, strict=True):
        for name in ("title", "url"):
            _check_length(Resource, name, getattr(entry, name), path)
        values = {"order": order, "title": entry.title, "kind": entry.kind, "is_free": entry.free}
        if row is None:
            Resource.objects.create(topic=topic, url=entry.url, **values)
            summary.created["Resource"] += 1
        else:
            _update(row, values, summary)
    if unmatched:
        Resource.objects.filter(pk__in=[row.pk for row in unmatched.values()]).delete()
        summary.deleted["Resource"] += len(unmatched)


def _orders(rows, removed):
    """The order values for `rows` in file order (None for a row still to create).

    When the list is unchanged, its rows keep their own numbers (staff may
    number 10, 20, 30 in the admin), so importing an export changes nothing;
    any new, moved or `removed` row renumbers the list 1, 2, 3.
    """
    current = [None if row is None else row.order for row in rows]
    if removed:
        return list(range(1, len(rows) + 1))
    if None not in current and all(a < b for a, b in pairwise(current)):
        return current
    return list(range(1, len(rows) + 1))


def _check_length(model, name, value, path):
    limit = model._meta.get_field(name).max_length
    if len(value) > limit:
        message = f"{path}: a {model._meta.verbose_name} {name} is {len(value)} characters long; "
        raise RoadmapFormatError(message + f"the limit is {limit}")


def _values(model, item, order):
    """The fields an item sets on its row; the slug is handled apart."""
    values = {"order": order, "title": item.title}
    if model is Phase:
        values |= {"tagline": item.tagline, "icon": item.icon, "intro": item.intro}
    elif model is Topic:
        values["description"] = item.description
    return values


def _update(row, values, summary):
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)
        if (type(row), row.pk) not in summary.new:
            summary.updated[type(row).__name__] += 1


def _describe(counts):
    # Content models first in tree order, then whatever a cascade took along
    # (a learner's progress on a removed subtopic, say).
    names = [model.__name__ for model in MODELS]
    names += sorted(name for name in counts if name not in names)
    parts = [f"{name} {counts[name]}" for name in names if counts[name]]
    return ", ".join(parts) or "nothing"
