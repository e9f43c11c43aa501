"""The roadmap's content tree, curated by staff.

Every content model has a natural key, its slug path from the roadmap down,
so fixtures dumped with natural keys reload in place and progress rows (which
point at subtopics by primary key) survive a re-import.
"""

from django.core.validators import URLValidator
from django.db import models

# Resource links open in the learner's browser: only the web's own schemes.
http_url = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)


class RoadmapManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Roadmap(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    timeline = models.TextField(blank=True, help_text="The closing timeline paragraph.")
    duration = models.CharField(max_length=50, blank=True, help_text='For example "6 months".')

    objects = RoadmapManager()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class PhaseManager(models.Manager):
    def get_by_natural_key(self, roadmap_slug, slug):
        return self.get(roadmap__slug=roadmap_slug, slug=slug)


class Phase(models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveIntegerField(default=0)
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    tagline = models.CharField(max_length=200, blank=True)
    icon = models.CharField(max_length=16, blank=True)
    intro = models.TextField(blank=True)

    objects = PhaseManager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "slug"], name="unique_phase_slug"),
        ]

    def __str__(self):
        return self.title

    @property
    def anchor(self):
        """The fragment id of this phase on the roadmap page."""
        return self.slug

    def natural_key(self):
        return (*self.roadmap.natural_key(), self.slug)

    natural_key.dependencies = ["tracker.roadmap"]


class SectionManager(models.Manager):
    def get_by_natural_key(self, roadmap_slug, phase_slug, slug):
        return self.get(phase__roadmap__slug=roadmap_slug, phase__slug=phase_slug, slug=slug)


class Section(models.Model):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0)
    slug = models.SlugField()
    title = models.CharField(max_length=200)

    objects = SectionManager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "slug"], name="unique_section_slug"),
        ]

    def __str__(self):
        return f"{self.phase.title} › {self.title}"

    @property
    def anchor(self):
        """The fragment id of this section on the roadmap page."""
        return f"section-{self.pk}"

    def natural_key(self):
        return (*self.phase.natural_key(), self.slug)

    natural_key.dependencies = ["tracker.phase"]


class TopicManager(models.Manager):
    def get_by_natural_key(self, roadmap_slug, phase_slug, section_slug, slug):
        return self.get(
            section__phase__roadmap__slug=roadmap_slug,
            section__phase__slug=phase_slug,
            section__slug=section_slug,
            slug=slug,
        )


class Topic(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="topics")
    order = models.PositiveIntegerField(default=0)
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    explanation = models.TextField(
        blank=True, help_text="Markdown: what it is, the key idea, how it connects."
    )
    why_it_matters = models.TextField(
        "why it matters", blank=True, help_text="Markdown: why an AI engineer needs it."
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="needed_by"
    )

    objects = TopicManager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["section", "slug"], name="unique_topic_slug"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.section.natural_key(), self.slug)

    natural_key.dependencies = ["tracker.section"]

    @property
    def anchor(self):
        """The fragment id of this topic on the roadmap page."""
        return f"topic-{self.pk}"


class SubtopicManager(models.Manager):
    def get_by_natural_key(self, roadmap_slug, phase_slug, section_slug, topic_slug, slug):
        return self.get(
            topic__section__phase__roadmap__slug=roadmap_slug,
            topic__section__phase__slug=phase_slug,
            topic__section__slug=section_slug,
            topic__slug=topic_slug,
            slug=slug,
        )


class Subtopic(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subtopics")
    order = models.PositiveIntegerField(default=0)
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    explanation = models.CharField(max_length=300, blank=True, help_text="One sentence.")
    hours = models.PositiveSmallIntegerField(
        default=0, help_text="Estimated hours of study; rolls up to every level."
    )

    objects = SubtopicManager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "slug"], name="unique_subtopic_slug"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.topic.natural_key(), self.slug)

    natural_key.dependencies = ["tracker.topic"]

    @property
    def anchor(self):
        """The fragment id of this item on the roadmap page."""
        return f"subtopic-{self.pk}"


class ResourceManager(models.Manager):
    def get_by_natural_key(self, roadmap_slug, phase_slug, section_slug, topic_slug, url):
        topic = Topic.objects.get_by_natural_key(roadmap_slug, phase_slug, section_slug, topic_slug)
        return self.get(topic=topic, url=url)


class Resource(models.Model):
    """Where to learn a topic: a link of a known kind."""

    class Kind(models.TextChoices):
        DOCS = "docs", "Official documentation"
        PAPER = "paper", "Paper"
        COURSE = "course", "Course"
        BOOK = "book", "Book"
        VIDEO = "video", "Video"
        ARTICLE = "article", "Article"
        TOOL = "tool", "Tool or repository"

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="resources")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    url = models.URLField("URL", max_length=500, validators=[http_url])
    kind = models.CharField(max_length=10, choices=Kind.choices)
    is_free = models.BooleanField("free", default=True)

    objects = ResourceManager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "url"], name="unique_resource_url"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.topic.natural_key(), self.url)

    natural_key.dependencies = ["tracker.topic"]


class ContentVersion(models.Model):
    """One row whose token changes with every change to any content.

    Pages keep what they derive from the content (the tree, rendered pieces of
    the outline) in each process's memory under this token; reading the token
    is one small query, so an edit in one process is seen by every other at
    once. The token is random rather than a counter so that a database
    restored, flushed or rolled back can never bring back a token that some
    process still holds for other content.
    """

    token = models.CharField(max_length=32)

    def __str__(self):
        return self.token
