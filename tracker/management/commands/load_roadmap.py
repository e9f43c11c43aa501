"""Load the shipped roadmap into an empty database, and only into an empty one.

`make run` calls this on every start. loaddata would overwrite the rows it
matches by natural key, undoing every edit staff made in the admin, so once
any roadmap exists this leaves the content alone. A newer shipped roadmap is
brought in with `manage.py import_roadmap`, which updates rows in place.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tracker.models import Roadmap

FIXTURE = "ai_engineer_roadmap"


class Command(BaseCommand):
    help = "Load the shipped roadmap fixture unless the database already has a roadmap."

    def handle(self, *args, **options):
        if Roadmap.objects.exists():
            self.stdout.write(
                "The database already has a roadmap: nothing loaded, its content is left as it "
                "is. To bring in a newer shipped roadmap, run "
                "`manage.py import_roadmap fixtures/ai_engineer_roadmap.md`."
            )
            return
        call_command("loaddata", FIXTURE, verbosity=options["verbosity"], stdout=self.stdout)
