"""Settings come from the environment; production values pass check --deploy."""

import json
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import path

ROOT = settings.BASE_DIR


def manage(*args, **env):
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "roadmap.example.com",
    "EMAIL_HOST": "smtp.example.com",
}


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_defaults_need_no_environment():
    result = manage("check")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'"),
        ({"DB_CONN_MAX_AGE": "soon"}, "DB_CONN_MAX_AGE must be a whole number"),
        ({"DB_CONN_HEALTH_CHECKS": "sometimes"}, "DB_CONN_HEALTH_CHECKS must be true or false"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL is not a usable database URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must start with redis://"),
        ({"DEBUG": "false"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "SECRET_KEY": "short"}, "SECRET_KEY must be set"),
    ],
)
def test_a_malformed_value_stops_start_up_with_a_clear_message(env, message):
    result = manage("check", **env)
    assert result.returncode != 0
    # The last line, the one a deployer reads first, names the variable.
    assert message in result.stderr.strip().splitlines()[-1]


def test_production_turns_on_https_protections():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)",
        **PRODUCTION,
    )
    assert result.stdout.split()[-4:] == ["True", "True", "True", "True"], result.stderr


def broken_view(request):
    raise RuntimeError("secret internals")


urlpatterns = [path("boom/", broken_view)]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_error_shows_a_friendly_page_not_a_traceback(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "secret internals" not in html
    assert "Traceback" not in html


def test_static_files_are_served_by_the_app_through_whitenoise(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "prefers-color-scheme: dark" in b"".join(response.streaming_content).decode()


def test_production_static_files_collect_with_hashed_names(tmp_path):
    result = manage("collectstatic", "--noinput", STATIC_ROOT=str(tmp_path), **PRODUCTION)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    # whitenoise serves the hashed copies, compressed alongside.
    assert (tmp_path / hashed).exists()
    assert (tmp_path / f"{hashed}.gz").exists()


def settings_value(expression, **env):
    result = manage(
        "shell", "-c", f"from django.conf import settings as s; print({expression})", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-1]


@pytest.mark.parametrize(("value", "expected"), [(None, "False"), ("true", "True")])
def test_connection_health_checks_are_off_unless_asked_for(value, expected):
    env = {} if value is None else {"DB_CONN_HEALTH_CHECKS": value}

    assert settings_value("s.DATABASES['default']['CONN_HEALTH_CHECKS']", **env) == expected
