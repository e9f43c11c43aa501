"""Write a parsed roadmap to the database, updating the existing rows in place.

Learners' progress points at subtopics by primary key, so a re-import must
keep every row it can: rows are matched within their parent by slug, and an
item whose title changed takes over the unmatched row at its position. Slugs
of kept rows never change, which keeps URLs and natural keys stable and means
no (parent, slug) unique constraint can trip half-way through.
"""

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from django.db import transaction
from django.utils.text import slugify

from tracker.content.guide import GuideSubtopic, GuideTopic, topic_path
from tracker.content.markdown import RoadmapFormatError
from tracker.content.models import Phase, Resource, Roadmap, Section, Subtopic, Topic

MODELS = (Roadmap, Phase, Section, Topic, Subtopic, Resource)


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


def import_roadmap(parsed, guide=None) -> ImportSummary:
    """Write `parsed` (and, when given, the guide's {slug path: GuideTopic}) in place.

    With a guide, it is the whole truth about the guide's text: a topic
    without a file has its explanation, estimates and resources cleared.
    """
    _check_lengths(parsed)
    summary = ImportSummary()
    with transaction.atomic():
        slug = _slug(parsed.title, "roadmap", Roadmap)
        roadmap = Roadmap.objects.filter(slug=slug).first()
        values = {
            "title": parsed.title,
            "intro": parsed.intro,
            "timeline": parsed.timeline,
            "duration": parsed.duration,
        }
        if roadmap is None:
            roadmap = Roadmap.objects.create(slug=slug, **values)
            summary.created["Roadmap"] += 1
        else:
            _update(roadmap, values, summary)
        summary.roadmap = roadmap

        topics = {}
        for phase, parsed_phase in _sync(Phase, "roadmap", roadmap, parsed.phases, summary):
            for section, parsed_section in _sync(
                Section, "phase", phase, parsed_phase.sections, summary
            ):
                for topic, parsed_topic in _sync(
                    Topic, "section", section, parsed_section.topics, summary
                ):
                    pairs = _sync(Subtopic, "topic", topic, parsed_topic.subtopics, summary)
                    path = topic_path(phase.slug, section.slug, topic.slug)
                    topics[path] = (topic, [row for row, _ in pairs])
        if guide is not None:
            _apply_guide(topics, guide, summary)
    return summary


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


def _sync(model, parent_field, parent, items, summary):
    """Make parent's children match items; return [(row, item)] in file order."""
    existing = list(model.objects.filter(**{parent_field: parent}).order_by("order", "pk"))
    unmatched = {row.slug: row for row in existing}
    slugs = _unique_slugs([item.title for item in items], model)
    rows = [unmatched.pop(slug, None) for slug in slugs]

    # A retitled item keeps the row (and the progress) at its position.
    leftover = {row.pk for row in unmatched.values()}
    for position, row in enumerate(rows):
        if row is None and position < len(existing) and existing[position].pk in leftover:
            rows[position] = existing[position]
            leftover.discard(existing[position].pk)

    if leftover:
        # Cascades take the children (and any progress on them) along.
        _, per_model = model.objects.filter(pk__in=leftover).delete()
        for label, count in per_model.items():
            summary.deleted[label.rsplit(".", 1)[-1]] += count

    pairs = []
    orders = _orders(rows, removed=bool(leftover))
    for order, row, slug, item in zip(orders, rows, slugs, items, strict=True):
        values = _values(model, item, order)
        if row is None:
            row = model.objects.create(**{parent_field: parent}, slug=slug, **values)
            summary.created[model.__name__] += 1
            summary.new.add((model, row.pk))
        else:
            _update(row, values, summary)
        pairs.append((row, item))
    return pairs


def _update(row, values, summary):
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)
        if (type(row), row.pk) not in summary.new:
            summary.updated[type(row).__name__] += 1


def _unique_slugs(titles, model):
    fallback = model.__name__.lower()
    slugs = []
    for title in titles:
        base = _slug(title, fallback, model)
        slug, number = base, 1
        while slug in slugs:
            number += 1
            suffix = f"-{number}"
            slug = base[: _slug_length(model) - len(suffix)].rstrip("-") + suffix
        slugs.append(slug)
    return slugs


def _slug(title, fallback, model):
    # slugify drops non-ASCII letters, so a title made only of them (or of
    # emoji) still needs some slug.
    return slugify(title)[: _slug_length(model)].strip("-") or fallback


def _slug_length(model):
    return model._meta.get_field("slug").max_length


def _check_lengths(parsed):
    """Refuse values the columns cannot hold before writing anything.

    SQLite would store them whole and PostgreSQL would fail mid-import; both
    are worse than an error naming the line.
    """
    checks = [(Roadmap, {"title": parsed.title, "duration": parsed.duration}, parsed.line)]
    for phase in parsed.phases:
        values = {"title": phase.title, "tagline": phase.tagline, "icon": phase.icon}
        checks.append((Phase, values, phase.line))
        for section in phase.sections:
            checks.append((Section, {"title": section.title}, section.line))
            for topic in section.topics:
                checks.append((Topic, {"title": topic.title}, topic.line))
                checks.extend((Subtopic, {"title": s.title}, s.line) for s in topic.subtopics)
    for model, values, line in checks:
        for name, value in values.items():
            limit = model._meta.get_field(name).max_length
            if len(value) > limit:
                message = (
                    f"the {model._meta.verbose_name} {name} is {len(value)} characters long; "
                    f"the limit is {limit}"
                )
                raise RoadmapFormatError(message, line)


def _describe(counts):
    # Content models first in tree order, then whatever a cascade took along
    # (a learner's progress on a removed subtopic, say).
    names = [model.__name__ for model in MODELS]
    names += sorted(name for name in counts if name not in names)
    parts = [f"{name} {counts[name]}" for name in names if counts[name]]
    return ", ".join(parts) or "nothing"
