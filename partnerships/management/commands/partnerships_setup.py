from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from partnerships.setup import install, refresh_planner_statistics


class Command(BaseCommand):
    help = (
        "Install the hub into the default Wagtail site: locales, regions, the hub's "
        "sections under the site's root page, the hub administrators' group and the editors, "
        "moderators and workflows of every library and cooperation. Safe to run again."
    )

    def handle(self, *args, **options):
        if not Site.objects.filter(is_default_site=True).exists():
            raise CommandError(
                "Нет сайта по умолчанию: создайте его в Wagtail (Настройки → Сайты)."
            )
        report = install()
        refresh_planner_statistics()
        self.stdout.write(
            "Locales added: {locales}; regions added: {regions}; sections added: {sections}".format(
                locales=", ".join(report["locales"]) or "none",
                regions=report["regions"],
                sections=", ".join(report["sections"]) or "none",
            )
        )
        teams = report["teams"]
        self.stdout.write(
            "Teams provisioned: {libraries} libraries, {cooperations} cooperations; "
            "hub administrators: «{hub_admins}»".format(**teams)
        )
