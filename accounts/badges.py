"""A shields.io-style progress badge: geometry and colours, free of Django.

Widths come from rough Verdana 11px advances; every text also carries
textLength, so whatever font the viewer has, the text fills the box the
badge drew for it. Coordinates are in tenths of a pixel (the SVG scales its
text by 0.1, as shields.io does) so that everything stays an integer.
"""

from dataclasses import dataclass

HEIGHT = 20
PADDING = 6  # pixels either side of each text

NARROW = frozenset("ijlI.,:;'!|")
SEMI = frozenset("ftr()[]{}-/ ")
WIDE = frozenset("mwMW%@")


@dataclass(frozen=True, slots=True)
class Theme:
    label_fill: str
    label_text: str
    value_fill: str
    value_text: str
    complete_fill: str
    shadow: str  # the text's drop shadow, drawn at 30% opacity


THEMES = {
    # The site's own light and dark palettes (static/css/site.css).
    "light": Theme("#555b6e", "#ffffff", "#3d4ed8", "#ffffff", "#137333", "#010101"),
    "dark": Theme("#1c1e26", "#e8e9ee", "#8c9bff", "#10121a", "#6fd08c", "#000000"),
}


def text_width(text):
    """The approximate width in pixels of `text` in Verdana 11px."""
    width = 0.0
    for char in text:
        if char in NARROW:
            width += 3.1
        elif char in SEMI:
            width += 4.3
        elif char in WIDE:
            width += 10.5
        elif char.isdigit():
            width += 7.0
        elif char.isupper():
            width += 7.5
        else:
            width += 6.4
    return round(width)


@dataclass(frozen=True, slots=True)
class Badge:
    label: str
    value: str
    theme: Theme
    complete: bool = False
    height: int = HEIGHT

    @property
    def label_width(self):
        return text_width(self.label) + 2 * PADDING

    @property
    def value_width(self):
        return text_width(self.value) + 2 * PADDING

    @property
    def width(self):
        return self.label_width + self.value_width

    @property
    def value_fill(self):
        return self.theme.complete_fill if self.complete else self.theme.value_fill

    # In tenths of a pixel, for the text scaled by 0.1.
    @property
    def label_x(self):
        return self.label_width * 5

    @property
    def value_x(self):
        return self.label_width * 10 + self.value_width * 5

    @property
    def label_length(self):
        return (self.label_width - 2 * PADDING) * 10

    @property
    def value_length(self):
        return (self.value_width - 2 * PADDING) * 10


def theme_name(requested):
    """The theme a request asks for, one of THEMES: anything unknown is light."""
    return requested if requested in THEMES else "light"


def progress_badge(roadmap_title, percent, theme="light"):
    """The badge for `percent` through `roadmap_title`; unknown themes are light."""
    return Badge(
        label=roadmap_title,
        value=f"{percent}%",
        theme=THEMES[theme_name(theme)],
        complete=percent >= 100,
    )
