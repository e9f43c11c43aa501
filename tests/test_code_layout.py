"""The two domains of tracker/ stay apart: progress depends on content, never the other way."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(folder):
    """{file: [dotted name, ...]} for every absolute import in the .py files below `folder`."""
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        names = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                # "from a.b import c" reads a.b.c, a submodule or a name in a.b.
                names += [f"{node.module}.{alias.name}" for alias in node.names]
        found[path.relative_to(ROOT).as_posix()] = names
    return found


def offenders(folder, forbidden):
    return {
        path: [name for name in names if name.startswith(forbidden)]
        for path, names in imported_modules(folder).items()
        if any(name.startswith(forbidden) for name in names)
    }


def test_content_knows_nothing_of_progress_views_or_accounts():
    assert offenders("tracker/content", ("tracker.progress", "tracker.views", "accounts")) == {}


def test_progress_reads_content_but_not_views_or_accounts():
    assert offenders("tracker/progress", ("tracker.views", "accounts")) == {}
    assert any(
        name.startswith("tracker.content")
        for names in imported_modules("tracker/progress").values()
        for name in names
    )


def test_accounts_reads_progress_only_through_the_public_loader():
    allowed = ("tracker.progress.loader", "tracker.progress.activity", "tracker.progress.stamping")
    reads = {
        path: [name for name in names if name.startswith("tracker.progress")]
        for path, names in imported_modules("accounts").items()
    }
    assert all(name.startswith(allowed) for names in reads.values() for name in names)
    assert not any(
        name.startswith(("tracker.models.Progress", "tracker.progress.models"))
        for names in imported_modules("accounts").values()
        for name in names
    )
