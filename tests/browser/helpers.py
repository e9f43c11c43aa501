"""What the browser tests share: signing in through the real form, and the
Content-Security-Policy violations a page reported."""

from tests.helpers import PASSWORD

# Collected in the page before any of its scripts run, so a violation caused
# by htmx or our own markup is seen.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def sign_in(page, base, login, password=PASSWORD):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_load_state()


def csp_violations(page):
    return page.evaluate("window.__cspViolations")


# The outline's controls have no ids (outline.html#item): CSS selectors find
# each in its item or topic by what it is.
def tick_box(pk, prefix=""):
    return f"#{prefix}subtopic-{pk} input[type=checkbox]"


def learning_button(pk, prefix=""):
    return f'#{prefix}subtopic-{pk} button[aria-labelledby^="{prefix}w-learning "]'


def skip_button(pk, prefix=""):
    # "Skip: …" or, once pressed, "Skipped: …"
    return f'#{prefix}subtopic-{pk} button[aria-labelledby^="{prefix}w-skip"]'


def all_done_button(topic_pk):
    return f'#topic-{topic_pk} button[aria-labelledby^="w-all-done "]'


def record_posts(page):
    """The URLs the page posts to from now on, in order."""
    posts = []

    def record(request):
        if request.method == "POST":
            posts.append(request.url)

    page.on("request", record)
    return posts
