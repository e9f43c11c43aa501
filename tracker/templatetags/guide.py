from django import template
from django.utils.safestring import mark_safe

from tracker.content.rendering import to_html

register = template.Library()


@register.filter
def markdown(text):
    """Staff-written guide Markdown as HTML: raw HTML off, http(s) links only."""
    return mark_safe(to_html(text))  # noqa: S308 - to_html escapes everything it is given
