"""Import the roadmap's Markdown checklist, updating existing rows in place.

Rows are matched by slug within their parent, so re-importing an edited file
keeps primary keys, URLs and every learner's progress on unchanged items.

The committed content fixture is this command's output on the seed copy;
fixtures/regenerate.sh rebuilds it on a throwaway SQLite database:

    manage.py import_roadmap fixtures/ai_engineer_roadmap.md
    manage.py dumpdata tracker.Roadmap tracker.Phase tracker.Section tracker.Topic \\
        tracker.Subtopic --natural-foreign --natural-primary --indent 2 \\
        -o fixtures/ai_engineer_roadmap.json
"""

from django.core.management.base import BaseCommand, CommandError

from tracker.content.importer import import_roadmap
from tracker.content.markdown import RoadmapFormatError, parse_roadmap, read_roadmap_file
from tracker.content.mojibake import repair


class Command(BaseCommand):
    help = "Import a roadmap Markdown file, updating the existing rows in place."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The Markdown file, e.g. fixtures/ai_engineer_roadmap.md")

    def handle(self, *args, path, **options):
        try:
            # The seed was once mis-decoded as Mac Roman; repair() leaves
            # clean text alone, so every file goes through it.
            parsed = parse_roadmap(repair(read_roadmap_file(path)))
            summary = import_roadmap(parsed)
        except RoadmapFormatError as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(str(summary))
