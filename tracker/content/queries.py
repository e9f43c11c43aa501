"""Reading the content tree: which roadmap, and its phases down to subtopics."""

from django.db.models import Prefetch
from django.http import Http404

from tracker.content.models import Resource, Roadmap, Section, Topic


def default_roadmap():
    roadmap = Roadmap.objects.order_by("id").first()
    if roadmap is None:
        raise Http404("No roadmap has been loaded yet.")
    return roadmap


def phases_with_content(roadmap, subtopics):
    """The roadmap's phases with sections, topics and `subtopics` prefetched.

    One query per level, however large the roadmap. `subtopics` is the
    queryset the last level is read with, so a caller can annotate it.
    """
    return roadmap.phases.prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("order", "id")),
        Prefetch("sections__topics", queryset=Topic.objects.order_by("order", "id")),
        Prefetch("sections__topics__subtopics", queryset=subtopics.order_by("order", "id")),
    ).order_by("order", "id")


def group_resources(topic):
    """[(kind label, [resources])] of a topic with resources loaded, in the vocabulary's order."""
    by_kind = {}
    for resource in topic.resources.all():
        by_kind.setdefault(resource.kind, []).append(resource)
    return [(kind.label, by_kind[kind.value]) for kind in Resource.Kind if kind.value in by_kind]
