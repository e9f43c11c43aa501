"""What importing a parsed roadmap would change, worked out before anything is written.

Learners' progress points at subtopics by primary key, so which existing row
each item of the file keeps decides whose progress survives. Items are matched
level by level (phases, sections, topics, subtopics), each level across the
whole roadmap, in this order of trust:

1. the same title (case and punctuation aside) under the same parent;
2. the same title anywhere else in the roadmap, when exactly one row and one
   item have it: the item moved, and its row (with its progress, or a topic's
   subtopics) goes along;
3. under the same parent, a title whose slug is the row's slug (the row's
   natural key; staff may have retitled the row in the admin since);
4. a retitle in place: see `_is_retitle`.

Whatever is left over is removed, and whatever is new is added: an item
replaced by a different one is a removal plus an addition, so the newcomer
never inherits the old item's progress.

The plan is a plain object: `str(plan)` is its text, `plan.removes_progress`
says whether applying it needs the curator's consent, and
tracker.content.importer applies it.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from django.utils.text import slugify

from tracker.content.markdown import ParsedRoadmap, RoadmapFormatError
from tracker.content.models import Phase, Roadmap, Section, Subtopic, Topic

LEVELS = (Phase, Section, Topic, Subtopic)
PARENT_FIELD = {Phase: "roadmap", Section: "phase", Topic: "section", Subtopic: "topic"}
# The parsed item's list of children, per level.
CHILDREN = {Phase: "sections", Section: "topics", Topic: "subtopics", Subtopic: None}
# Progress belongs to the progress domain, which content may not import; the
# ORM reaches it through the reverse relation, as the delete's cascade does.
LEARNER_OF_PROGRESS = "progress__user"
_WORD = re.compile(r"\w+")


@dataclass(eq=False)
class PlannedRow:
    """One item of the file and the row it becomes (compared by identity)."""

    model: type
    item: object
    parent: "PlannedRow | None"
    file_slug: str
    position: int
    # The existing row it keeps, or None when the import creates one.
    row: object = None
    slug: str = ""
    order: int = 0
    children: list = field(default_factory=list)

    @property
    def where(self):
        """The titles of its parents in the file, from the phase down."""
        return self.parent.where + (self.parent.item.title,) if self.parent else ()


@dataclass(frozen=True)
class Added:
    kind: str
    title: str
    where: tuple
    # Subtopics created with it (itself included, for a subtopic).
    items: int


@dataclass(frozen=True)
class Renamed:
    kind: str
    old_title: str
    title: str
    where: tuple


@dataclass(frozen=True)
class Moved:
    kind: str
    title: str
    old_where: tuple
    where: tuple


@dataclass(frozen=True)
class Removed:
    kind: str
    title: str
    where: tuple
    # Subtopics deleted with it (itself included, for a subtopic).
    items: int
    learners: int
    progress_rows: int


@dataclass
class ImportPlan:
    """What an import does. Added and removed name only the topmost row of a
    new or deleted branch (its children go with it); renamed and moved name
    every row."""

    parsed: ParsedRoadmap
    roadmap_slug: str
    # The roadmap row the import updates, or None when it creates one.
    roadmap: Roadmap | None
    phases: list[PlannedRow]
    # Every existing row the file no longer has, at every level.
    removed_rows: list = field(default_factory=list)
    added: list[Added] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    # Distinct learners, and their progress rows, that the removals delete.
    learners: int = 0
    progress_rows: int = 0

    @property
    def title(self):
        return self.parsed.title

    @property
    def removes_progress(self):
        return self.progress_rows > 0

    def rows(self):
        """Every planned row in file order, each after its parent."""
        return _walk(self.phases)

    def __str__(self):
        return render(self)


def plan_import(parsed) -> ImportPlan:
    """The plan for writing `parsed` over the database's copy of its roadmap. Reads only."""
    check_lengths(parsed)
    slug = slug_for(parsed.title, "roadmap", Roadmap)
    roadmap = Roadmap.objects.filter(slug=slug).first()
    plan = ImportPlan(parsed, slug, roadmap, _planned_tree(Phase, parsed.phases, None))
    existing = _existing_rows(roadmap)
    planned = defaultdict(list)
    for row in plan.rows():
        planned[row.model].append(row)
    for model in LEVELS:
        _match(planned[model], existing[model], roadmap)
        _place(planned[model], existing[model], roadmap)
    kept = {(planned.model, planned.row.pk) for planned in plan.rows() if planned.row}
    plan.removed_rows = [
        row for model in LEVELS for row in existing[model] if (model, row.pk) not in kept
    ]
    _describe_changes(plan, existing)
    return plan


def _walk(planned_rows):
    for planned in planned_rows:
        yield planned
        yield from _walk(planned.children)


def _planned_tree(model, items, parent):
    slugs = unique_slugs([item.title for item in items], model)
    rows = []
    for position, (item, slug) in enumerate(zip(items, slugs, strict=True)):
        planned = PlannedRow(model, item, parent, slug, position)
        if CHILDREN[model]:
            child_model = LEVELS[LEVELS.index(model) + 1]
            planned.children = _planned_tree(child_model, getattr(item, CHILDREN[model]), planned)
        rows.append(planned)
    return rows


def _existing_rows(roadmap):
    """{model: [row]} for the roadmap, each level in sibling order."""
    if roadmap is None:
        return {model: [] for model in LEVELS}
    within = {
        Phase: {"roadmap": roadmap},
        Section: {"phase__roadmap": roadmap},
        Topic: {"section__phase__roadmap": roadmap},
        Subtopic: {"topic__section__phase__roadmap": roadmap},
    }
    return {
        model: list(model.objects.filter(**within[model]).order_by("order", "pk"))
        for model in LEVELS
    }


# Matching


def _match(planned, rows, roadmap):
    """Give each planned row the existing row it keeps, in the order of trust above."""
    if not rows:
        return
    by_parent = _by_parent(rows)
    taken = set()

    def same_parent(planned_key, row_key):
        for planned_row in planned:
            if planned_row.row is not None:
                continue
            for row in by_parent.get(_parent_pk(planned_row, roadmap), ()):
                if row.pk not in taken and row_key(row) == planned_key(planned_row):
                    _keep(planned_row, row, taken)
                    break

    same_parent(lambda p: title_key(p.item.title), lambda row: title_key(row.title))
    _match_moves(planned, [row for row in rows if row.pk not in taken], taken)
    same_parent(lambda p: p.file_slug, lambda row: row.slug)
    _match_retitles(planned, rows, by_parent, taken, roadmap)


def _keep(planned_row, row, taken):
    planned_row.row = row
    taken.add(row.pk)


def _parent_pk(planned_row, roadmap):
    """The pk of the row the item stands under, or None when that row is new."""
    if planned_row.parent is None:
        return roadmap.pk if roadmap else None
    parent_row = planned_row.parent.row
    return parent_row.pk if parent_row else None


def _by_parent(rows):
    """{parent pk: [row]}, each list in sibling order."""
    groups = defaultdict(list)
    for row in rows:
        groups[_parent_id(row)].append(row)
    return groups


def _parent_id(row):
    return getattr(row, f"{PARENT_FIELD[type(row)]}_id")


def _match_moves(planned, rows, taken):
    """An item whose title exactly one row has, wherever that row is, is that row."""
    free = [planned_row for planned_row in planned if planned_row.row is None]
    items_by_key = defaultdict(list)
    for planned_row in free:
        items_by_key[title_key(planned_row.item.title)].append(planned_row)
    rows_by_key = defaultdict(list)
    for row in rows:
        rows_by_key[title_key(row.title)].append(row)
    for key, items in items_by_key.items():
        # Two rows or two items with one title: which went where is a guess,
        # and a wrong guess hands one learner's progress to another item.
        if key and len(items) == 1 and len(rows_by_key.get(key, ())) == 1:
            _keep(items[0], rows_by_key[key][0], taken)


def _match_retitles(planned, rows, by_parent, taken, roadmap):
    """Keep a row for an item retitled in place.

    Only when the new item stands under the same parent at the same position
    as the row, neither title is found anywhere on the other side, and one
    title's words contain the other's ("Calculus" and "Differential
    Calculus"). A title with other words is a different item taking the old
    one's place, and must not inherit its learners' progress; a mistaken
    "removal" is shown in the plan and needs consent, a mistaken rename is
    silent, so this errs towards removal.
    """
    item_keys = {title_key(planned_row.item.title) for planned_row in planned}
    row_keys = {title_key(row.title) for row in rows}
    for planned_row in planned:
        if planned_row.row is not None:
            continue
        siblings = by_parent.get(_parent_pk(planned_row, roadmap), ())
        if planned_row.position >= len(siblings):
            continue
        row = siblings[planned_row.position]
        if (
            row.pk not in taken
            and title_key(row.title) not in item_keys
            and title_key(planned_row.item.title) not in row_keys
            and _is_retitle(row.title, planned_row.item.title)
        ):
            _keep(planned_row, row, taken)


def _is_retitle(old, new):
    old_words, new_words = set(_words(old)), set(_words(new))
    return bool(old_words and new_words) and (old_words <= new_words or new_words <= old_words)


def title_key(title):
    """A title as identity: letters and digits in any case, punctuation and spacing aside."""
    words = _words(title)
    return " ".join(words) if words else title.strip().casefold()


def _words(title):
    return _WORD.findall(unicodedata.normalize("NFKC", title).casefold())


# Slugs and order


def _place(planned, rows, roadmap):
    """Choose each planned row's slug and order among its new siblings."""
    by_parent = _by_parent(rows)
    groups = defaultdict(list)
    for planned_row in planned:
        groups[planned_row.parent].append(planned_row)
    for parent, siblings in groups.items():
        parent_row = roadmap if parent is None else parent.row
        current = by_parent.get(parent_row.pk, []) if parent_row else []
        _place_slugs(siblings, current)
        _place_orders(siblings, current)


def _place_slugs(siblings, current):
    # Every slug under the parent now, whatever becomes of its row, is taken:
    # then no write of the import can meet a row it has not yet moved or deleted.
    taken = {row.slug for row in current}
    staying = {row.pk for row in current}
    for planned in siblings:
        if planned.row is not None and planned.row.pk in staying:
            planned.slug = planned.row.slug
        else:
            # A moved row keeps its slug (its guide entry names it) when it is free.
            wanted = planned.row.slug if planned.row else planned.file_slug
            planned.slug = free_slug(wanted, taken, planned.model)
            taken.add(planned.slug)


def _place_orders(siblings, current):
    """An unchanged list keeps its own numbers (staff may number 10, 20, 30 in
    the admin), so importing an export changes nothing; any new, moved or
    removed row renumbers the list 1, 2, 3."""
    rows = [planned.row for planned in siblings]
    orders = [row.order for row in rows if row is not None]
    unchanged = {row.pk for row in rows if row is not None} == {row.pk for row in current}
    if not (unchanged and len(orders) == len(rows) and all(a < b for a, b in pairwise(orders))):
        orders = range(1, len(siblings) + 1)
    for planned, order in zip(siblings, orders, strict=True):
        planned.order = order


def unique_slugs(titles, model):
    """A slug per title, numbered where titles under one parent share one."""
    slugs = []
    for title in titles:
        slugs.append(free_slug(slug_for(title, model.__name__.lower(), model), slugs, model))
    return slugs


def free_slug(base, taken, model):
    slug, number = base, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = base[: _slug_length(model) - len(suffix)].rstrip("-") + suffix
    return slug


def slug_for(title, fallback, model):
    # slugify drops non-ASCII letters, so a title made only of them (or of
    # emoji) still needs some slug.
    return slugify(title)[: _slug_length(model)].strip("-") or fallback


def _slug_length(model):
    return model._meta.get_field("slug").max_length


# Describing the changes


def _describe_changes(plan, existing):
    by_pk = {model: {row.pk: row for row in existing[model]} for model in LEVELS}
    for planned in plan.rows():
        kind = planned.model._meta.verbose_name
        row = planned.row
        if row is None:
            if planned.parent is None or planned.parent.row is not None:
                items = _new_subtopics(planned)
                plan.added.append(Added(kind, planned.item.title, planned.where, items))
            continue
        if row.title != planned.item.title:
            plan.renamed.append(Renamed(kind, row.title, planned.item.title, planned.where))
        parent_row = planned.parent.row if planned.parent else plan.roadmap
        if parent_row is None or _parent_id(row) != parent_row.pk:
            old_where = _old_where(row, by_pk)
            plan.moved.append(Moved(kind, planned.item.title, old_where, planned.where))
    _describe_removals(plan, by_pk)


def _new_subtopics(planned):
    if planned.row is not None:
        return 0
    if planned.model is Subtopic:
        return 1
    return sum(_new_subtopics(child) for child in planned.children)


def _old_where(row, by_pk):
    """The titles of a row's parents in the database, from the phase down."""
    titles = []
    while (above := _parent_key(row)) is not None:
        row = by_pk[above[0]][above[1]]
        titles.insert(0, row.title)
    return tuple(titles)


def _describe_removals(plan, by_pk):
    removed = {(type(row), row.pk) for row in plan.removed_rows}
    learners = _learners_by_subtopic([row.pk for row in plan.removed_rows if type(row) is Subtopic])
    # A removed subtopic's progress counts against every removed row above it
    # up to the first one that stays (a kept topic is not deleted with it).
    subtopics_of = defaultdict(set)
    for row in plan.removed_rows:
        if type(row) is Subtopic:
            for ancestor in _removed_chain(row, by_pk, removed):
                subtopics_of[(type(ancestor), ancestor.pk)].add(row.pk)
    everyone = set()
    for row in sorted(plan.removed_rows, key=lambda row: _tree_position(row, by_pk)):
        if _parent_key(row) in removed:
            continue
        subtopics = subtopics_of[(type(row), row.pk)]
        users = set().union(*(learners.get(pk, set()) for pk in subtopics))
        rows = sum(len(learners.get(pk, ())) for pk in subtopics)
        kind = type(row)._meta.verbose_name
        removal = Removed(kind, row.title, _old_where(row, by_pk), len(subtopics), len(users), rows)
        plan.removed.append(removal)
        everyone |= users
        plan.progress_rows += rows
    plan.learners = len(everyone)


def _tree_position(row, by_pk):
    """Sorts rows as the outline lists them: each under its parent, in order."""
    position = [(row.order, row.pk)]
    while (above := _parent_key(row)) is not None:
        row = by_pk[above[0]][above[1]]
        position.insert(0, (row.order, row.pk))
    return position


def _removed_chain(row, by_pk, removed):
    """The row and each removed row above it, up to the first that is kept."""
    yield row
    while (above := _parent_key(row)) in removed:
        row = by_pk[above[0]][above[1]]
        yield row


def _parent_key(row):
    """(model, pk) of the row's parent in the database; None for a phase."""
    model = type(row)
    if model is Phase:
        return None
    return LEVELS[LEVELS.index(model) - 1], _parent_id(row)


def _learners_by_subtopic(pks):
    """{subtopic pk: {user pk}} of the learners with progress on those subtopics."""
    found = defaultdict(set)
    if pks:
        pairs = Subtopic.objects.filter(pk__in=pks, **{f"{LEARNER_OF_PROGRESS}__isnull": False})
        for pk, user in pairs.values_list("pk", LEARNER_OF_PROGRESS):
            found[pk].add(user)
    return found


# Checks


def check_lengths(parsed):
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


# Text


def render(plan):
    lines = [f'Import plan for "{plan.title}":']
    if not (plan.added or plan.renamed or plan.moved or plan.removed):
        lines.append("  Nothing to add, rename, move or remove.")
    for heading, changes, describe in (
        ("Added", plan.added, _added_line),
        ("Renamed", plan.renamed, _renamed_line),
        ("Moved", plan.moved, _moved_line),
        ("Removed", plan.removed, _removed_line),
    ):
        if changes:
            lines.append(f"  {heading} ({len(changes)}):")
            lines.extend(f"    {describe(change)}" for change in changes)
    if plan.removes_progress:
        lines.append(
            f"  This deletes the progress of {_learners(plan.learners)} "
            f"({_count(plan.progress_rows, 'row')} in all)."
        )
    else:
        lines.append("  No learner's progress is deleted.")
    return "\n".join(lines)


def _added_line(change):
    text = f'{change.kind} "{change.title}"{_in(change.where)}'
    if change.kind != Subtopic._meta.verbose_name:
        text += f", with {_count(change.items, 'subtopic')}"
    return text


def _renamed_line(change):
    return f'{change.kind} "{change.old_title}" to "{change.title}"{_in(change.where)}'


def _moved_line(change):
    return f'{change.kind} "{change.title}" from {_path(change.old_where)} to {_path(change.where)}'


def _removed_line(change):
    text = f'{change.kind} "{change.title}"{_in(change.where, "from")}'
    if change.kind != Subtopic._meta.verbose_name:
        text += f", with {_count(change.items, 'subtopic')}"
    if change.learners:
        return f"{text}: deletes the progress of {_learners(change.learners)}"
    return f"{text}: no learner's progress"


def _in(where, word="in"):
    return f" {word} {_path(where)}" if where else ""


def _path(where):
    return " › ".join(where) if where else "the roadmap"


def _learners(count):
    return _count(count, "learner")


def _count(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
