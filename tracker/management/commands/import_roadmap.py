"""Import the roadmap's Markdown checklist and its guide, updating existing rows in place.

Items are matched to existing rows by title across the whole roadmap (see
tracker.content.import_plan), so re-importing an edited file keeps primary
keys, URLs and every learner's progress on items that were kept, renamed or
moved. The command prints its plan first; when the plan deletes any learner's
progress it stops, having written nothing, unless given --yes. --dry-run
prints the plan and stops.

The committed content fixture is this command's output on the seed copy;
fixtures/regenerate.sh rebuilds it on a throwaway SQLite database:

    manage.py import_roadmap fixtures/ai_engineer_roadmap.md
    manage.py dumpdata tracker.Roadmap tracker.Phase tracker.Section tracker.Topic \\
        tracker.Subtopic tracker.Resource --natural-foreign --natural-primary --indent 2 \\
        -o fixtures/ai_engineer_roadmap.json
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracker.content.guide import GuideFormatError, read_folder
from tracker.content.import_plan import plan_import
from tracker.content.importer import ProgressLossRefused, apply_plan
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
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Go ahead even though the plan deletes learners' progress.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the plan and write nothing."
        )

    def handle(self, *args, path, guide, yes, dry_run, **options):
        folder = Path(guide) if guide else Path(path).parent / "guide"
        if guide and not folder.is_dir():
            raise CommandError(f"{folder}: no such folder")
        try:
            # The seed was once mis-decoded as Mac Roman; repair() leaves
            # clean text alone, so every file goes through it.
            parsed = parse_roadmap(repair(read_roadmap_file(path)))
            topics = read_folder(folder) if folder.is_dir() else None
            # The plan is applied in the transaction it was read in, so what
            # it shows is what gets written.
            with transaction.atomic():
                plan = plan_import(parsed)
                self.stdout.write(str(plan))
                if dry_run:
                    self.stdout.write("Dry run: nothing was written.")
                    return
                if plan.removes_progress and not yes:
                    raise CommandError(_refusal(plan))
                summary = apply_plan(plan, topics, allow_progress_loss=yes)
        except (RoadmapFormatError, GuideFormatError) as error:
            raise CommandError(f"{path}: {error}") from error
        except ProgressLossRefused as error:
            raise CommandError(f"{path}: {error}; nothing was written. {_ASK}") from error
        self.stdout.write(str(summary))


_ASK = "Run again with --yes to go ahead, or with --dry-run to see the plan only."


def _refusal(plan):
    learners = "1 learner" if plan.learners == 1 else f"{plan.learners} learners"
    return f"This import deletes the progress of {learners}; nothing was written. {_ASK}"
