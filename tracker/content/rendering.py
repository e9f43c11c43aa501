"""Turn guide Markdown (written by staff) into HTML that is safe to show.

markdown-it-py with raw HTML off, so a <script> in the text is shown as text;
links only to http(s) or within the site, so no javascript: or data: URL
survives; external links open with rel="noopener noreferrer"; no images,
since the Content-Security-Policy would block them anyway.
"""

from urllib.parse import urlsplit

from markdown_it import MarkdownIt

ALLOWED_SCHEMES = {"http", "https"}


def _allowed(url):
    # A scheme-less URL is a link within the site (a path or a fragment);
    # "//host" is another site without a scheme, treated like any external link.
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in ALLOWED_SCHEMES or (scheme == "" and ":" not in url.split("/")[0])


def _link_open(self, tokens, index, options, env):
    token = tokens[index]
    href = token.attrGet("href") or ""
    if urlsplit(href).netloc:
        token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, index, options, env)


def _parser():
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.disable("image")
    parser.validateLink = _allowed
    parser.add_render_rule("link_open", _link_open)
    return parser


_PARSER = _parser()


def to_html(text):
    """HTML for a piece of guide Markdown; escaped and link-checked, so safe to mark safe."""
    return _PARSER.render(text or "")
