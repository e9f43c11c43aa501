"""Write the roadmap's content, as the admin left it, back to the repository's files.

    manage.py export_roadmap                # fixtures/ai_engineer_roadmap.md and fixtures/guide/
    manage.py export_roadmap --out /tmp/x   # /tmp/x/ai_engineer_roadmap.md and /tmp/x/guide/

The Markdown is rewritten only when its content differs from the database
(so the seed stays the seed until staff change the tree); a guide file only
when its text differs. `import_roadmap` on the result changes nothing.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from tracker.content.exporter import export_roadmap
from tracker.content.queries import default_roadmap

MARKDOWN_NAME = "ai_engineer_roadmap.md"


class Command(BaseCommand):
    help = "Write the roadmap's Markdown and guide files from the database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            default=str(Path(settings.BASE_DIR) / "fixtures"),
            help="The folder to write to (default: the project's fixtures/).",
        )

    def handle(self, *args, out, **options):
        folder = Path(out)
        summary = export_roadmap(default_roadmap(), folder / MARKDOWN_NAME, folder / "guide")
        self.stdout.write(str(summary))
