from functools import lru_cache

from django import template
from django.utils.safestring import mark_safe

from tracker.content.rendering import to_html

register = template.Library()


@register.filter
def markdown(text):
    """Staff-written guide Markdown as HTML: raw HTML off, http(s) links only."""
    return mark_safe(_html(text))  # noqa: S308 - to_html escapes everything it is given


# Keyed by the text itself, so an edited text is simply a new entry: a topic
# page renders its guide once per process, not once per request.
@lru_cache(maxsize=1024)
def _html(text):
    return to_html(text)
