from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

DEMO_USERNAME = "admin"
# Known on purpose: the quick start prints it. The command refuses to run with DEBUG off.
DEMO_PASSWORD = "tezki-demo"  # noqa: S105
DEMO_EDITOR = "redaktor"
DEMO_MODERATOR = "moderator"


class Command(BaseCommand):
    help = (
        "Create the demo administrator (admin / tezki-demo) when the database has no superuser "
        "yet, a demo library editor and a cooperation moderator, and print how to log in. "
        "Safe to run again; refuses to run with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-url",
            default="http://127.0.0.1:8000/admin/",
            help="Address of the admin to print in the log-in hint.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "Демонстрационный администратор создаётся только при DEBUG=True: "
                    "на рабочем сайте используйте manage.py createsuperuser."
                )
            )
        user_model = get_user_model()
        admin_url = options["admin_url"]
        with transaction.atomic():
            superusers = user_model.objects.filter(is_superuser=True, is_active=True)
            if not superusers.exists():
                user_model.objects.create_superuser(
                    username=DEMO_USERNAME, email="admin@localhost", password=DEMO_PASSWORD
                )
                self.stdout.write(
                    _("Создан демонстрационный администратор «%(username)s».")
                    % {"username": DEMO_USERNAME}
                )
        demo = superusers.filter(username=DEMO_USERNAME).first()
        if demo is not None and demo.check_password(DEMO_PASSWORD):
            message = _("Админка: %(url)s — логин %(username)s, пароль %(password)s") % {
                "url": admin_url,
                "username": DEMO_USERNAME,
                "password": DEMO_PASSWORD,
            }
        else:
            message = _(
                "Админка: %(url)s — войдите как суперпользователь (%(usernames)s) со своим "
                "паролем; сменить его: manage.py changepassword <логин>"
            ) % {
                "url": admin_url,
                "usernames": ", ".join(superusers.values_list("username", flat=True)),
            }
        self.stdout.write(self.style.SUCCESS(message))
        for line in self.demo_roles():
            self.stdout.write(self.style.SUCCESS(line))

    def demo_roles(self):
        """An editor and a moderator of the demo's «Никольское», to try the editorial workflow."""
        from partnerships.models import CooperationPage, MembershipChange
        from partnerships.teams import provision_cooperation, provision_library

        cooperation = CooperationPage.objects.filter(name_key="никольское").first()
        if cooperation is None:
            return []
        membership = (
            MembershipChange.objects.current()
            .filter(cooperation=cooperation)
            .select_related("library")
            .order_by("library__title")
            .first()
        )
        if membership is None:
            return []
        user_model = get_user_model()
        roles = [
            (DEMO_EDITOR, provision_library(membership.library.specific).editors),
            (DEMO_MODERATOR, provision_cooperation(cooperation).moderators),
        ]
        lines = []
        for username, group in roles:
            person = user_model.objects.filter(username=username).first()
            if person is None:
                person = user_model.objects.create_user(
                    username=username, email=f"{username}@localhost", password=DEMO_PASSWORD
                )
            if person.check_password(DEMO_PASSWORD):
                # Demo content built again (--reset) made new groups: the demo users follow.
                person.groups.add(group)
                lines.append(
                    _("%(group)s: логин %(username)s, пароль %(password)s")
                    % {"group": group.name, "username": username, "password": DEMO_PASSWORD}
                )
        return lines
