"""The outline rendered once per content version, with each learner's marks stamped in.

Rendering the roadmap's 290 nodes through templates costs far more than a
page may, and almost all of it is the same for everyone. So the outline
(and the answer to a tick) is rendered once per process and content
version as a skeleton: the templates run with `skeleton` set and leave a
slot (the `slot` filter, tracker/templatetags/outline.py) wherever a
learner's state shows, which splits the result into fixed text and slots.
A page then joins the text with, for each slot, a piece rendered from the
same partials: an item in its state, a counter with its counts, a topic's
"is-complete" class. Those pieces are kept too (an item has four states, a
counter as many as learners' counts differ), so a warm page renders no
template for its outline at all.

Nothing kept here depends on who asked, only on the content and on the
state or counts a piece shows; what a learner sees is chosen per request.

Pieces are kept as UTF-8 bytes and joined as bytes, and `page` splices the
result into the rendered page once: a 150 KB string with an emoji in it
takes 600 KB as a Python str, and every template level it passed through
would copy it twice.
"""

import re
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

from tracker.content import versioning
from tracker.progress.loader import Marked, load_progress
from tracker.progress.status import Status

OUTLINE = "tracker/components/outline.html"
PROGRESS = "tracker/components/progress.html"
SLOT = "\x00"  # never in content: Django's forms refuse NUL, PostgreSQL cannot store it
SLOT_PATTERN = re.compile(f"{SLOT}([a-z-]+):([0-9]+){SLOT}")
# Indentation and line breaks between tags, from the templates: a third of an
# outline's bytes. Every element that lines up inline ones (an item, a topic's
# buttons) is a flex box, where white space between children shows nothing.
# A slot's NUL counts as a tag's edge: a piece always starts and ends with a tag.
BETWEEN_TAGS = re.compile(r"(?<=[>\x00])\s*\n\s*(?=[<\x00])")
LINE_BREAKS = re.compile(r"\n\s*")
# Counters are kept per counts; past this many, start again rather than grow.
MAX_COUNTERS = 20_000
GUIDE_PREFIX = "guide-"
# How each kind of item slot shows its item: (id prefix, explained, out of band).
ITEM_SLOTS = {
    "item": ("", False, False),
    "guide-item": (GUIDE_PREFIX, True, False),
    "item-oob": ("", False, True),
}
LEVELS = ("topic", "section", "phase")
# Beside a topic's title on the learner's own outline when they have notes on it.
NOTE_MARK = (
    b'<span class="note-mark"><span aria-hidden="true">\xe2\x9c\x8e</span> Your notes</span>'
)


def slot_marker(kind, pk):
    return f"{SLOT}{kind}:{pk}{SLOT}"


@dataclass(frozen=True)
class Viewer:
    """What the outline's templates read of `progress` in each way of showing
    it: a visitor's titles, a learner's own controls, or someone's marks."""

    roadmap: object = field(compare=False)
    learner: bool
    editable: bool

    @property
    def read_only(self):
        return self.learner and not self.editable


def viewer_of(progress):
    return Viewer(progress.roadmap, progress.learner is not None, progress.editable)


def page(request, template, context, **stamped):
    """A TemplateResponse with each of `stamped` (bytes from this module) in
    place of the template variable of its name."""
    markers = {name: f"{SLOT}{name}{SLOT}" for name in stamped}
    # Each marker is a name between NULs, replaced by bytes rendered from templates.
    safe = {name: mark_safe(marker) for name, marker in markers.items()}  # noqa: S308
    response = TemplateResponse(request, template, {**context, **safe})

    def splice(response):
        content = response.content
        for name, piece in stamped.items():
            content = content.replace(markers[name].encode(), piece, 1)
        response.content = content

    response.add_post_render_callback(splice)
    return response


def outline(progress, phases=None, *, single_phase=False):
    """The outline of `phases` (tree nodes; all of them by default) as `progress` shows it."""
    tree, viewer = progress.tree, viewer_of(progress)
    fill = _Filler(progress, viewer)
    parts = []
    for phase in phases or tree.phases:
        key = ("phase", viewer, phase.pk, single_phase)
        skeleton = versioning.kept(
            tree.token, key, lambda phase=phase: _phase_skeleton(tree, viewer, phase, single_phase)
        )
        parts.extend(fill(skeleton))
    return b"".join(parts)


def stamped(progress, template, context):
    """`template` rendered for this request only (search results: a few of
    the outline's topics, different for every search) as `progress` shows
    it. It is rendered as a skeleton, so each item and counter in it is the
    outline's own kept piece: an item looks, and ticks, exactly as there."""
    viewer = viewer_of(progress)
    skeleton = _skeleton(progress.tree, template, {**context, "progress": viewer})
    return b"".join(_Filler(progress, viewer)(skeleton))


def phases_summary(progress):
    """progress.html#phases-summary, kept per viewer and phases' counts."""
    viewer = viewer_of(progress)
    phases = progress.phase_totals
    key = ("phases-summary", viewer, tuple(phase.counts for phase in phases))
    counters = versioning.kept(progress.tree.token, "counters", dict)
    try:
        return counters[key]
    except KeyError:
        context = {"progress": Marked(viewer, phase_totals=phases)}
        html = counters[key] = _render(f"{PROGRESS}#phases-summary", context)
        return html


def guide_items(progress, topic):
    """A topic's list of items as its guide shows them: explained, with "guide-" ids."""
    fill = _Filler(progress, viewer_of(progress))
    pieces = (fill.item("guide-item", s.pk, s) for s in progress.tree.subtopics_of[topic.pk])
    # The id is where a no-JavaScript "Save ticks" lands (tracker.views.marks._anchor).
    return (
        f'<ul class="subtopics" id="{GUIDE_PREFIX}topic-{topic.pk}">'.encode()
        + b"".join(pieces)
        + b"</ul>"
    )


def answer(request, progress, *, status, subtopic=None, topic=None):
    """The htmx answer to a write (outline.html#marked): an item, or a whole
    topic, with the counters above it out of band and the announcement."""
    tree, viewer = progress.tree, viewer_of(progress)
    in_guide = (request.htmx.target or "").startswith(GUIDE_PREFIX)
    node = subtopic or topic
    key = ("marked", viewer, type(node).__name__, node.pk, in_guide)
    skeleton = versioning.kept(
        tree.token, key, lambda: _marked_skeleton(tree, viewer, subtopic, topic, in_guide)
    )
    announcer = _announcer(progress, status, subtopic, topic)
    content = b"".join(_Filler(progress, viewer, announcer=announcer)(skeleton))
    return HttpResponse(content)


def answer_group(progress, *, phase, group, kind, status, single_phase):
    """The htmx answer to marking a whole section or phase (`group`, of
    `kind`): the phase it is in, as its outline now stands, then the overall
    counter out of band and the announcement. Rare enough that only the
    phase's skeleton and pieces are kept; the announcement is rendered each time."""
    fill = _Filler(progress, viewer_of(progress))
    roadmap = progress.tree.roadmap
    overall = fill.counter("roadmap-oob", roadmap.pk, roadmap, progress.counts)
    context = {
        "progress": progress,
        "marked_group": Marked(group, counts=progress.counts[(kind, group.pk)]),
        "status": status,
        "oob": True,
    }
    announcer = _render(f"{PROGRESS}#announcer", context)
    content = outline(progress, [phase], single_phase=single_phase) + overall + announcer
    return HttpResponse(content)


def _announcer(progress, status, subtopic, topic):
    """What changed, in words (progress.html#announcer), kept per what it says:
    the item or topic, its state, its topic's counts and the overall percent."""
    topic_pk = topic.pk if topic else subtopic.topic_id
    item_status = progress.status(subtopic.pk) if subtopic else None
    node = subtopic or topic
    key = (
        "announcer",
        type(node).__name__,
        node.pk,
        status,
        item_status,
        progress.counts[("topic", topic_pk)],
        progress.overall.percent,
    )
    counters = versioning.kept(progress.tree.token, "counters", dict)
    try:
        return counters[key]
    except KeyError:
        if len(counters) >= MAX_COUNTERS:
            counters.clear()
        context = {**_marked(progress, subtopic, topic), "status": status, "oob": True}
        html = counters[key] = _render(f"{PROGRESS}#announcer", context)
        return html


class _Filler:
    """Fills a skeleton's slots for one learner from the pieces kept so far,
    rendering (and keeping) a piece only the first time it is needed."""

    def __init__(self, progress, viewer, announcer=b""):
        self.progress, self.viewer, self.announcer = progress, viewer, announcer
        self.token = progress.tree.token
        self.counters = versioning.kept(self.token, "counters", dict)
        self.items = {
            kind: versioning.kept(self.token, ("items", viewer, kind), dict) for kind in ITEM_SLOTS
        }

    def __call__(self, skeleton):
        rows, counts = self.progress.rows, self.progress.counts
        for part in skeleton:
            # The hot loop of every page: plain lookups, a render only on a miss.
            if part.__class__ is bytes:
                yield part
                continue
            kind, pk, node = part
            if kind in ITEM_SLOTS:
                yield self.item(kind, pk, node, rows)
            elif kind == "topic-class":
                yield b" is-complete" if counts[("topic", pk)].is_complete else b""
            elif kind == "topic-note":
                yield NOTE_MARK if pk in self.progress.noted else b""
            elif kind == "announcer":
                yield self.announcer
            else:
                yield self.counter(kind, pk, node, counts)

    def item(self, kind, pk, node, rows=None):
        row = (self.progress.rows if rows is None else rows).get(pk)
        status = row[0] if row else Status.PENDING
        items = self.items[kind]
        try:
            return items[(pk, status)]
        except KeyError:
            id_prefix, explained, oob = ITEM_SLOTS[kind]
            context = {
                "subtopic": Marked(node, status=status),
                "progress": self.viewer,
                "id_prefix": id_prefix,
                "explained": explained,
                "oob": oob,
            }
            html = items[(pk, status)] = _render(f"{OUTLINE}#item", context)
            return html

    def counter(self, kind, pk, node, counts):
        level, _, oob = kind.partition("-")
        numbers = counts[(level, pk)]
        key = (kind, pk, numbers)
        try:
            return self.counters[key]
        except KeyError:
            if len(self.counters) >= MAX_COUNTERS:
                self.counters.clear()
            if level == "roadmap":
                context = {"progress": Marked(self.viewer, overall=numbers), "oob": bool(oob)}
                name = f"{PROGRESS}#overall-progress"
            else:
                context = {"kind": level, "level": Marked(node, counts=numbers), "oob": bool(oob)}
                name = f"{PROGRESS}#level-progress"
            html = self.counters[key] = _render(name, context)
            return html


def _phase_skeleton(tree, viewer, phase, single_phase):
    """A phase's outline as fixed text and (kind, pk, node) slots."""
    visitor = load_progress(tree)  # the content's own numbers (hours); no marks
    context = {
        "progress": viewer,
        "phase": next(view for view in visitor.phases if view.node is phase),
        "single_phase": single_phase,
    }
    return _skeleton(tree, f"{OUTLINE}#phase", context)


def _marked_skeleton(tree, viewer, subtopic, topic, in_guide):
    context = {**_marked(load_progress(tree), subtopic, topic), "progress": viewer}
    return _skeleton(tree, f"{OUTLINE}#marked", {**context, "in_guide": in_guide})


def _marked(progress, subtopic, topic):
    """What outline.html#marked reads of a written item or topic, as `progress` sees it."""
    topic_view = progress.topic(topic.pk if topic else subtopic.topic_id)
    return {
        "progress": progress,
        "topic": topic_view,
        "marked_topic": topic_view if topic else None,
        "subtopic": progress.subtopic(subtopic.pk) if subtopic else None,
    }


def _skeleton(tree, template, context):
    pieces = SLOT_PATTERN.split(_render(template, {**context, "skeleton": True}).decode())
    parts = [pieces[0]]
    for index in range(1, len(pieces), 3):
        kind, pk, text = pieces[index], int(pieces[index + 1]), pieces[index + 2]
        parts.extend([(kind, pk, _node(tree, kind, pk)), text])
    return [part.encode() if isinstance(part, str) else part for part in parts if part]


def _node(tree, kind, pk):
    level = kind.partition("-")[0]
    if kind in ITEM_SLOTS:
        return tree.subtopic(pk)
    if level == "topic" or kind == "announcer":
        return tree.topic(pk)
    if level == "section":
        return next(s for sections in tree.sections_of.values() for s in sections if s.pk == pk)
    if level == "phase":
        return next(phase for phase in tree.phases if phase.pk == pk)
    return tree.roadmap


def _render(name, context):
    html = render_to_string(name, context)
    return LINE_BREAKS.sub("\n", BETWEEN_TAGS.sub("", html)).strip().encode()
