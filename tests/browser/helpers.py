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
