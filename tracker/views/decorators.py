from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django_htmx.http import HttpResponseClientRedirect


def login_required_htmx(view):
    """login_required that also sends htmx requests to the sign-in page.

    A plain redirect would be followed by htmx inside the page and the login
    form swapped into a list item; HX-Redirect makes the browser navigate.
    """
    plain = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.htmx and not request.user.is_authenticated:
            back = request.htmx.current_url_abs_path or request.get_full_path()
            login = redirect_to_login(back)
            return HttpResponseClientRedirect(login.url)
        return plain(request, *args, **kwargs)

    return wrapper
