"""Write a parsed roadmap to the database, updating the existing rows in place.

Learners' progress points at subtopics by primary key, so a re-import must
keep every row it can: rows are matched within their parent by slug, and an
item whose title changed takes over the unmatched row at its position. Slugs
of kept rows never change, which keeps URLs and natural keys stable and means
no (parent, slug) unique constraint can trip half-way through.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from tracker.content.markdown import RoadmapFormatError
from tracker.content.models import Phase, Roadmap, Section, Subtopic, Topic

MODELS = (Roadmap, Phase, Section, Topic, Subtopic)


@dataclass
class ImportSummary:
    roadmap: Roadmap | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def __str__(self):
        lines = [f'Imported "{self.roadmap}".']
        for verb, counts in (("Created", self.created), ("Updated", self.updated)):
            lines.append(f"{verb}: {_describe(counts)}.")
        lines.append(f"Deleted: {_describe(self.deleted)}.")
        return "\n".join(lines)


def import_roadmap(parsed) -> ImportSummary:
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

        for phase, parsed_phase in _sync(Phase, "roadmap", roadmap, parsed.phases, summary):
            for section, parsed_section in _sync(
                Section, "phase", phase, parsed_phase.sections, summary
            ):
                for topic, parsed_topic in _sync(
                    Topic, "section", section, parsed_section.topics, summary
                ):
                    _sync(Subtopic, "topic", topic, parsed_topic.subtopics, summary)
    return summary


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
    for position, (row, slug, item) in enumerate(zip(rows, slugs, items, strict=True), start=1):
        values = _values(model, item, position)
        if row is None:
            row = model.objects.create(**{parent_field: parent}, slug=slug, **values)
            summary.created[model.__name__] += 1
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
