import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Site

from partnerships.choices import CooperationLevel
from partnerships.demo import DemoExists, build_demo, remove_demo
from partnerships.setup import refresh_planner_statistics

SUMMARY = [
    ("regions", gettext_lazy("регионов")),
    ("districts", gettext_lazy("новых муниципальных районов и округов")),
    ("settlements", gettext_lazy("населённых пунктов")),
    ("libraries", gettext_lazy("библиотек")),
    ("cooperations", gettext_lazy("содружеств")),
    ("membership_changes", gettext_lazy("записей о присоединении и выходе")),
    ("programs", gettext_lazy("программ")),
    ("events", gettext_lazy("мероприятий")),
    ("publications", gettext_lazy("изданий")),
    ("work_plans", gettext_lazy("планов работы")),
    ("plan_items", gettext_lazy("пунктов планов")),
    ("chronicle", gettext_lazy("записей хроники")),
    ("proposals", gettext_lazy("предложений читателей")),
    ("images", gettext_lazy("изображений")),
    ("documents", gettext_lazy("документов (PDF)")),
    ("pages", gettext_lazy("страниц всего")),
]


class Command(BaseCommand):
    help = (
        "Build the hub's demo content: namesake settlements from the OpenStreetMap gazetteer, "
        "their libraries, cooperations with agreements and join/leave history, programmes, "
        "events, publications with PDF files and covers, work plans and chronicle. Installs the "
        "hub first. Does nothing if the demo is already there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo content made earlier (its cooperations, settlements with their "
            "libraries, images and documents; districts stay as reference data) and build it "
            "again.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Build everything, report the counts, then roll the database back and delete "
            "the files written. Ignores --reset.",
        )

    def handle(self, *args, reset=False, dry_run=False, **options):
        if not Site.objects.filter(is_default_site=True).exists():
            raise CommandError(
                _("Нет сайта по умолчанию: создайте его в Wagtail (Настройки → Сайты).")
            )
        started = time.monotonic()
        if reset and not dry_run:
            removed = remove_demo()
            if removed:
                self.stdout.write(
                    _("Прежний демо-контент удалён за %(seconds).1f с: %(summary)s.")
                    % {
                        "seconds": time.monotonic() - started,
                        "summary": ", ".join(
                            f"{removed[key]} {label}" for key, label in SUMMARY if removed[key]
                        ),
                    }
                )
        started = time.monotonic()
        try:
            counts = build_demo(dry_run=dry_run)
        except DemoExists:
            self.stdout.write(
                _(
                    "Демо-контент уже есть, ничего не изменено. Чтобы построить его заново, "
                    "запустите команду с --reset."
                )
            )
            return
        except ValidationError as error:
            raise CommandError(
                _("Демо-контент не построен: %(error)s") % {"error": "; ".join(error.messages)}
            ) from error
        if not dry_run:
            refresh_planner_statistics()
        self.stdout.write(
            self.style.SUCCESS(
                _("Демо-контент проверен и отменён (--dry-run).")
                if dry_run
                else _("Демо-контент построен за %(seconds).1f с.")
                % {"seconds": time.monotonic() - started}
            )
        )
        for key, label in SUMMARY:
            self.stdout.write(f"  {counts[key]:>4}  {label}")
        levels = ", ".join(
            f"{CooperationLevel(key.split(':', 1)[1]).label if key != 'level:' else '—'}: {value}"
            for key, value in sorted(counts.items())
            if key.startswith("level:")
        )
        self.stdout.write(
            _("Уровни содружеств: %(levels)s; мероприятий прошло %(past)s, впереди %(upcoming)s.")
            % {
                "levels": levels,
                "past": counts["events:past"],
                "upcoming": counts["events:upcoming"],
            }
        )
