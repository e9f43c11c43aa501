"""`manage.py bench` keeps working: one short round on a throwaway SQLite database.

Timings are noise on a shared machine, so nothing here asserts one; what is
checked is that every endpoint was served under load, compared with the bare
view and had its queries counted. wrk comes from Debian's packages; without it
the run is skipped with the reason shown, except under CI=true, where a
missing wrk fails the run.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

ENDPOINTS = {
    "roadmap_learner_0",
    "roadmap_learner_50",
    "roadmap_learner_100",
    "roadmap_visitor",
    "public_page",
    "home",
    "phase",
    "topic",
    "tick",
    "badge",
}


@pytest.fixture(scope="module")
def wrk():
    found = shutil.which("wrk")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but wrk is not installed: the benchmark cannot run.")
        pytest.skip("wrk is not installed: apt-get install wrk")
    return found


@pytest.fixture(scope="module")
def one_short_round(wrk, tmp_path_factory):
    """One run of the command shared by the tests below: it takes about half a minute."""
    output = tmp_path_factory.mktemp("bench") / "results.json"
    # On SQLite whatever the suite runs on: the command makes its own throwaway file.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(
        [sys.executable, "manage.py", "bench", "--rounds", "1", "--seconds", "1"]
        + ["--connections", "2", "--output", str(output)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout, json.loads(output.read_text(encoding="utf-8"))


def test_it_measures_every_endpoint_against_the_bare_view(one_short_round):
    _, results = one_short_round

    assert {row["key"] for row in results["endpoints"]} == ENDPOINTS
    for row in results["endpoints"]:
        assert row["requests_per_second"] > 0, row["key"]
        assert 0 < row["ratio"]["min"] <= row["ratio"]["median"] <= row["ratio"]["max"]
        assert row["target"] > 0
        # Every endpoint reads the database; the bare view never does.
        assert row["queries"] > 0, row["key"]
        assert row["bytes_per_request"] > 0
    assert results["bare"]["requests_per_second"] > 0
    assert results["bare"]["queries"] == 0
    assert results["database"]["vendor"] == "sqlite"
    assert results["server"]["gunicorn_workers"] == 2


def test_it_prints_the_table_with_each_target(one_short_round):
    stdout, results = one_short_round

    assert "gunicorn with 2 sync workers" in stdout
    for row in results["endpoints"]:
        assert row["label"] in stdout
    assert f"Targets met: {sum(r['target_met'] for r in results['endpoints'])} of 10" in stdout


def test_the_bare_view_is_not_served_unless_the_setting_is_on(client):
    assert not settings.BENCH_BARE_VIEW
    assert client.get("/bench/bare/").status_code == 404
