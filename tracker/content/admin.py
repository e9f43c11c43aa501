"""The admin staff use to curate the roadmap's content.

Each level edits its children inline, so a curator can walk the tree from a
roadmap down to its subtopics; a topic also edits its guide (explanation, why
it matters, prerequisites) and its resources. List pages show how many
children each row has; the counts are annotated in one query, never counted
per row.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from tracker.content.models import Phase, Resource, Roadmap, Section, Subtopic, Topic, http_url

admin.site.site_header = "Roadmap tracker"
admin.site.site_title = "Roadmap tracker"
admin.site.index_title = "Content and progress"

# Tree order, used by list pages and by the filters that list parents.
PHASE_ORDER = ("roadmap__id", "order", "id")
SECTION_ORDER = ("phase__roadmap__id", "phase__order", "order", "id")
TOPIC_ORDER = ("section__phase__roadmap__id", "section__phase__order", "section__order", "order")
SUBTOPIC_ORDER = (
    "topic__section__phase__roadmap__id",
    "topic__section__phase__order",
    "topic__section__order",
    "topic__order",
    "order",
)
# Resources hang off topics as subtopics do, so they list in the same order.
RESOURCE_ORDER = SUBTOPIC_ORDER


class ChildCountAdmin(admin.ModelAdmin):
    """A list page that shows how many children each row has, counted in its one query.

    Subclasses name the counts they show: {"topic_count": "sections__topics"},
    and the estimates they add up: {"total_hours": "subtopics__hours"}.
    """

    child_counts = {}
    child_hours = {}

    def get_queryset(self, request):
        # distinct: several counts over one chain of joins would multiply otherwise.
        counts = {name: Count(path, distinct=True) for name, path in self.child_counts.items()}
        # A sum cannot be distinct (two items may take as long), so it must run to
        # the end of the same one chain, where each row is one subtopic.
        hours = {name: Coalesce(Sum(path), 0) for name, path in self.child_hours.items()}
        return super().get_queryset(request).annotate(**counts, **hours)

    @admin.display(description="Phases", ordering="phase_count")
    def phase_count(self, obj):
        return obj.phase_count

    @admin.display(description="Sections", ordering="section_count")
    def section_count(self, obj):
        return obj.section_count

    @admin.display(description="Topics", ordering="topic_count")
    def topic_count(self, obj):
        return obj.topic_count

    @admin.display(description="Subtopics", ordering="subtopic_count")
    def subtopic_count(self, obj):
        return obj.subtopic_count

    @admin.display(description="Hours", ordering="total_hours")
    def total_hours(self, obj):
        # A new object has not been through the annotated queryset: nothing to add up.
        return getattr(obj, "total_hours", 0)


class SectionListFilter(admin.RelatedFieldListFilter):
    """Filter by section without a query per choice: a section's name includes its phase."""

    def field_choices(self, field, request, model_admin):
        sections = Section.objects.select_related("phase").order_by(*SECTION_ORDER)
        return [(section.pk, str(section)) for section in sections]


# Inlines: one level down from each parent, with order editable in place.


class ChildInline(admin.TabularInline):
    fields = ["order", "title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True
    extra = 0


class PhaseInline(ChildInline):
    model = Phase
    fields = ["order", "title", "slug", "tagline", "icon"]


class SectionInline(ChildInline):
    model = Section

    def get_queryset(self, request):
        # A section's name includes its phase's title.
        return super().get_queryset(request).select_related("phase")


class TopicInline(ChildInline):
    model = Topic


class SubtopicInline(ChildInline):
    model = Subtopic
    fields = ["order", "title", "slug", "explanation", "hours"]


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["topic", "order", "title", "url", "kind", "is_free"]
        # The form's own "Enter a valid URL." would otherwise replace the model's
        # message, which says what is wrong with a javascript: or ftp:// link.
        error_messages = {"url": {"invalid": http_url.message}}


class TopicForm(forms.ModelForm):
    def clean_prerequisites(self):
        needed = self.cleaned_data["prerequisites"]
        if self.instance.pk and any(topic.pk == self.instance.pk for topic in needed):
            raise forms.ValidationError("A topic cannot be its own prerequisite.")
        return needed


class ResourceInline(ChildInline):
    """A topic's resources, in the order learners see them. They have no slug."""

    model = Resource
    form = ResourceForm
    fields = ["order", "title", "url", "kind", "is_free"]
    prepopulated_fields = {}


@admin.register(Roadmap)
class RoadmapAdmin(ChildCountAdmin):
    list_display = [
        "title",
        "slug",
        "duration",
        "phase_count",
        "section_count",
        "topic_count",
        "subtopic_count",
    ]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline]

    child_counts = {
        "phase_count": "phases",
        "section_count": "phases__sections",
        "topic_count": "phases__sections__topics",
        "subtopic_count": "phases__sections__topics__subtopics",
    }


@admin.register(Phase)
class PhaseAdmin(ChildCountAdmin):
    list_display = [
        "title",
        "order",
        "icon",
        "tagline",
        "roadmap",
        "section_count",
        "topic_count",
        "subtopic_count",
    ]
    list_editable = ["order"]
    list_filter = ["roadmap"]
    list_select_related = ["roadmap"]
    search_fields = ["title", "tagline", "slug"]
    ordering = PHASE_ORDER
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]

    child_counts = {
        "section_count": "sections",
        "topic_count": "sections__topics",
        "subtopic_count": "sections__topics__subtopics",
    }


@admin.register(Section)
class SectionAdmin(ChildCountAdmin):
    list_display = ["title", "order", "phase", "topic_count", "subtopic_count"]
    list_editable = ["order"]
    list_filter = ["phase"]
    list_select_related = ["phase"]
    search_fields = ["title", "slug", "phase__title"]
    ordering = SECTION_ORDER
    prepopulated_fields = {"slug": ["title"]}
    inlines = [TopicInline]

    child_counts = {"topic_count": "topics", "subtopic_count": "topics__subtopics"}


@admin.register(Topic)
class TopicAdmin(ChildCountAdmin):
    form = TopicForm
    list_display = ["title", "order", "section_title", "phase", "subtopic_count", "total_hours"]
    list_editable = ["order"]
    list_filter = ["section__phase", ("section", SectionListFilter)]
    list_select_related = ["section__phase"]
    search_fields = ["title", "slug", "description", "section__title"]
    ordering = TOPIC_ORDER
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["prerequisites"]
    readonly_fields = ["total_hours"]
    fieldsets = [
        (None, {"fields": ["section", "order", "title", "slug", "description"]}),
        (
            "Guide",
            {
                "fields": ["explanation", "why_it_matters", "prerequisites", "total_hours"],
                "description": "The estimate is the sum of the subtopics' hours, edited below.",
            },
        ),
    ]
    inlines = [SubtopicInline, ResourceInline]

    child_counts = {"subtopic_count": "subtopics"}
    child_hours = {"total_hours": "subtopics__hours"}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            # Each choice's label names its phase.
            kwargs["queryset"] = Section.objects.select_related("phase").order_by(*SECTION_ORDER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Section", ordering="section__title")
    def section_title(self, obj):
        return obj.section.title

    @admin.display(description="Phase", ordering="section__phase__order")
    def phase(self, obj):
        return obj.section.phase


@admin.register(Subtopic)
class SubtopicAdmin(admin.ModelAdmin):
    list_display = ["title", "order", "hours", "topic", "section_title", "phase"]
    list_editable = ["order"]
    list_filter = ["topic__section__phase", ("topic__section", SectionListFilter)]
    list_select_related = ["topic__section__phase"]
    search_fields = ["title", "slug", "topic__title"]
    ordering = SUBTOPIC_ORDER
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topic"]

    @admin.display(description="Section", ordering="topic__section__title")
    def section_title(self, obj):
        return obj.topic.section.title

    @admin.display(description="Phase", ordering="topic__section__phase__order")
    def phase(self, obj):
        return obj.topic.section.phase


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    form = ResourceForm
    list_display = ["title", "kind", "is_free", "topic"]
    list_filter = ["kind", "is_free"]
    list_select_related = ["topic"]
    search_fields = ["title", "url"]
    ordering = RESOURCE_ORDER
    autocomplete_fields = ["topic"]
