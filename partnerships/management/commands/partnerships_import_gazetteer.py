from django.core.management.base import BaseCommand, CommandError

from partnerships.gazetteer import GazetteerFileError, import_gazetteer
from partnerships.setup import refresh_planner_statistics


class Command(BaseCommand):
    help = (
        "Import the settlement gazetteer from a CSV file (plain or gzip) with the columns of "
        "ru_settlements_osm2020.csv.gz. Safe to run again: entries are updated, never duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Settlements CSV (.csv or .csv.gz).")
        parser.add_argument(
            "--cities",
            metavar="PATH",
            help="hflabs/city CSV: coordinates of cities, joined on the OKTMO code.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check the file, report what would change, write nothing.",
        )

    def handle(self, *args, **options):
        try:
            report = import_gazetteer(
                options["path"],
                cities_path=options["cities"],
                dry_run=options["dry_run"],
                progress=self.stdout.write,
            )
        except GazetteerFileError as error:
            raise CommandError(str(error)) from error

        if not options["dry_run"]:
            refresh_planner_statistics()
        for line in report.summary_lines():
            self.stdout.write(line)
