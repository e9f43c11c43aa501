"""The README's configuration table names every variable the settings read."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SETTINGS = ROOT / "roadmap_site" / "settings.py"
README = ROOT / "README.md"


def is_os_environ(node):
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def name_read(node, helpers):
    """The expression naming the variable, when `node` reads the environment.

    Reads are the env helpers' calls, os.environ.get(), os.getenv() and
    os.environ[...]."""
    if isinstance(node, ast.Subscript) and is_os_environ(node.value):
        return node.slice
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    if isinstance(func, ast.Name) and func.id in helpers:
        return node.args[0]
    if isinstance(func, ast.Attribute) and (
        (func.attr == "get" and is_os_environ(func.value))
        or (func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os")
    ):
        return node.args[0]
    return None


def variables_read(source):
    tree = ast.parse(source)
    helpers = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "roadmap_site.env"
        for alias in node.names
    }
    names = set()
    for node in ast.walk(tree):
        argument = name_read(node, helpers)
        if argument is None:
            continue
        # A computed name could not be checked against the README.
        assert isinstance(argument, ast.Constant) and isinstance(argument.value, str), (
            f"line {node.lineno}: read the environment with a literal variable name"
        )
        names.add(argument.value)
    return names


def test_the_parser_finds_each_kind_of_read():
    source = (
        "import os\n"
        "from roadmap_site.env import env_bool, env_str as text\n"
        "A = env_bool('ONE', True)\n"
        "B = text('TWO')\n"
        "C = os.environ.get('THREE')\n"
        "D = os.getenv('FOUR')\n"
        "E = os.environ['FIVE']\n"
        "F = dict.get('NOT_AN_ENV_READ')\n"
    )

    assert variables_read(source) == {"ONE", "TWO", "THREE", "FOUR", "FIVE"}


def test_the_readme_documents_every_variable_the_settings_read():
    names = variables_read(SETTINGS.read_text(encoding="utf-8"))
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", README.read_text(encoding="utf-8")))

    # Guard the parser itself: these are read through three different helpers.
    assert {"DEBUG", "DATABASE_URL", "DB_CONN_MAX_AGE", "REDIS_URL"} <= names
    assert sorted(names - documented) == []
