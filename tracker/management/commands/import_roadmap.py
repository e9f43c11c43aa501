"""Import the roadmap's Markdown checklist and its guide, updating existing rows in place.

Rows are matched by slug within their parent, so re-importing an edited file
keeps primary keys, URLs and every learner's progress on unchanged items.

The committed content fixture is this command's output on the seed copy;
fixtures/regenerate.sh rebuilds it on a throwaway SQLite database:

    manage.py import_roadmap fixtures/ai_engineer_roadmap.md
    manage.py dumpdata tracker.Roadmap tracker.Phase tracker.Section tracker.Topic \\
        tracker.Subtopic tracker.Resource --natural-foreign --natural-primary --indent 2 \\
        -o fixtures/ai_engineer_roadmap.json
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.content.guide import GuideFormatError, read_folder
from tracker.content.importer import import_roadmap
from tracker.content.markdown import RoadmapFormatError, parse_roadmap, read_roadmap_file
from tracker.content.mojibake import repair


class Command(BaseCommand):
    help = "Import a roadmap Markdown file, updating the existing rows in place."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The Markdown file, e.g. fixtures/ai_engineer_roadmap.md")
        parser.add_argument(
            "--guide",
            help="The guide's folder of topic files (default: guide/ beside the Markdown file, "
            "when there is one; without a folder the guide's text is left as it is).",
        )

    def handle(self, *args, path, guide, **options):
        folder = Path(guide) if guide else Path(path).parent / "guide"
        if guide and not folder.is_dir():
            raise CommandError(f"{folder}: no such folder")
        try:
            # The seed was once mis-decoded as Mac Roman; repair() leaves
            # clean text alone, so every file goes through it.
            parsed = parse_roadmap(repair(read_roadmap_file(path)))
            topics = read_folder(folder) if folder.is_dir() else None
            summary = import_roadmap(parsed, topics)
        except (RoadmapFormatError, GuideFormatError) as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(str(summary))
