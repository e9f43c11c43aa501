"""A roadmap's content tree, read once per content version and shared.

Building it costs six queries (four levels, resources, prerequisites); every
request after that, for every learner and visitor, reads it from memory and
pays one query for the version. Its nodes are the model instances
themselves, so they keep their methods and natural keys, but they are
shared: nothing may set attributes on them after the build. A learner's
state lives beside them, in tracker.progress.loader.
"""

from django.db.models import prefetch_related_objects
from django.http import Http404

from tracker.content import versioning
from tracker.content.models import Roadmap, Subtopic
from tracker.content.queries import group_resources, phases_with_content


class ContentTree:
    """The phases of a roadmap with their children as plain tuples in roadmap
    order (a related manager call costs more than the work done with it), and
    indexes to find a node by pk or by slug path."""

    def __init__(self, roadmap, phases, token):
        self.roadmap = roadmap
        # The content version it was read for: what is derived from it is kept under it.
        self.token = token
        self.phases = tuple(phases)
        self.sections_of, self.topics_of, self.subtopics_of = {}, {}, {}
        for phase in self.phases:
            self.sections_of[phase.pk] = tuple(phase.sections.all())
            for section in self.sections_of[phase.pk]:
                self.topics_of[section.pk] = tuple(section.topics.all())
                for topic in self.topics_of[section.pk]:
                    self.subtopics_of[topic.pk] = tuple(topic.subtopics.all())
        self.topics = tuple(
            topic
            for phase in self.phases
            for section in self.sections_of[phase.pk]
            for topic in self.topics_of[section.pk]
        )
        self.subtopics = tuple(s for topic in self.topics for s in self.subtopics_of[topic.pk])
        # (pk, item) in roadmap order: a model instance's .pk is a property call.
        self.items = tuple((subtopic.pk, subtopic) for subtopic in self.subtopics)
        self._phases = {phase.pk: phase for phase in self.phases}
        self._sections = {
            section.pk: section for phase in self.phases for section in self.sections_of[phase.pk]
        }
        self._topics = {topic.pk: topic for topic in self.topics}
        self._subtopics = {subtopic.pk: subtopic for subtopic in self.subtopics}
        # Which pks are this roadmap's items, to sort a learner's rows.
        self.subtopic_pks = self._subtopics.keys()
        # The tree as plain numbers for counting, which runs on every page:
        # ((phase pk, ((section pk, ((topic pk, ((item pk, hours), ...)), ...)), ...)), ...).
        # A model instance's .pk is a property call; a tuple read is not.
        self.shape = tuple(
            (
                phase.pk,
                tuple(
                    (
                        section.pk,
                        tuple(
                            (topic.pk, tuple((s.pk, s.hours) for s in self.subtopics_of[topic.pk]))
                            for topic in self.topics_of[section.pk]
                        ),
                    )
                    for section in self.sections_of[phase.pk]
                ),
            )
            for phase in self.phases
        )
        self.levels, self.item_hours = levels_of(self.shape, roadmap.pk)
        self._paths = {
            (topic.section.phase.slug, topic.section.slug, topic.slug): topic
            for topic in self.topics
        }

    def phase(self, slug):
        return _one_or_404(next((p for p in self.phases if p.slug == slug), None), "phase")

    def phase_by_pk(self, pk):
        return _one_or_404(self._phases.get(pk), "phase")

    def section(self, pk):
        return _one_or_404(self._sections.get(pk), "section")

    def topic(self, pk):
        return _one_or_404(self._topics.get(pk), "topic")

    def subtopic(self, pk):
        return _one_or_404(self._subtopics.get(pk), "subtopic")

    def topic_at(self, phase_slug, section_slug, topic_slug):
        return _one_or_404(self._paths.get((phase_slug, section_slug, topic_slug)), "topic")


def levels_of(shape, roadmap_pk):
    """A tree's `shape` by level, to count one level without the others:
    {("topic" or "section" or "phase", pk): ((item pk, hours), ...) of every
    item in it}, and {item pk: hours} for the roadmap's."""
    levels, item_hours = {}, {}
    for phase_pk, sections in shape:
        in_phase = []
        for section_pk, topics in sections:
            in_section = []
            for topic_pk, items in topics:
                levels[("topic", topic_pk)] = items
                in_section.extend(items)
            levels[("section", section_pk)] = tuple(in_section)
            in_phase.extend(in_section)
        levels[("phase", phase_pk)] = tuple(in_phase)
        item_hours.update(in_phase)
    return levels, item_hours


def default_tree(token=None):
    """The site's roadmap (the first one) with its tree, as of the current
    content version (or `token`, a version just read): one query when this
    process has it already, none when given the token."""
    token = token or versioning.current()
    roadmap = versioning.kept(token, "default-roadmap", _first_roadmap)
    if roadmap is None:
        raise Http404("No roadmap has been loaded yet.")
    return versioning.kept(token, ("tree", roadmap.pk), lambda: build(roadmap, token))


def last_seen_tree():
    """The default roadmap's tree as this process last knew it, with no query
    (None before it has read one). Possibly stale: see versioning.last_seen."""
    token = versioning.last_seen()
    return default_tree(token=token) if token else None


def _first_roadmap():
    return Roadmap.objects.order_by("id").first()


def build(roadmap, token):
    """Read `roadmap`'s tree with every topic's guide: six queries."""
    tree = ContentTree(roadmap, phases_with_content(roadmap, Subtopic.objects.all()), token)
    prefetch_related_objects(list(tree.topics), "resources", "prerequisites")
    for topic in tree.topics:
        topic.resource_groups = group_resources(topic)
    return tree


def _one_or_404(found, kind):
    if found is None:
        raise Http404(f"No such {kind}.")
    return found
