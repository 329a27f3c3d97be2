"""The demo's log-ins: an administrator, a library editor and a cooperation moderator."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from partnerships.teams import cooperation_moderators, library_editors


def run(**options):
    out = io.StringIO()
    call_command("tezki_demo_admin", stdout=out, **options)
    return out.getvalue()


def test_demo_log_ins_are_created_once_and_printed(settings, cooperation):
    settings.DEBUG = True
    output = run()
    assert "логин admin, пароль tezki-demo" in output
    assert "логин redaktor, пароль tezki-demo" in output
    assert "Модераторы: Содружество «Никольское»: логин moderator" in output
    first_member = min(cooperation.libraries, key=lambda library: library.title)
    assert [user.username for user in library_editors(first_member)] == ["redaktor"]
    assert [user.username for user in cooperation_moderators(cooperation.page)] == ["moderator"]
    run()
    assert get_user_model().objects.count() == 3


def test_demo_log_ins_refuse_to_exist_on_a_real_site(settings, cooperation):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=True"):
        run()
    assert not get_user_model().objects.exists()
