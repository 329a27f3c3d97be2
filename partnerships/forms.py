from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.auth import LoginForm


class HubPageForm(WagtailAdminPageForm):
    """Runs the rules that need the page as submitted, with its inline rows linked to it.

    Django cleans the form before it copies the values onto the page, and modelcluster's row
    forms are not linked to the page while they validate; rules on the rows (a plan item in
    its plan's year, a library of the cooperation's name) need both.
    """

    def _post_clean(self):
        super()._post_clean()
        for formset in self.formsets.values():
            for form in formset.forms:
                setattr(form.instance, formset.fk.name, self.instance)
        self.clean_page()

    def clean_page(self):
        """Checks over the page and its rows together; errors go to the fields they concern."""


class CooperationContentForm(HubPageForm):
    """Partner libraries are chosen among the cooperation's current members only."""

    def __init__(self, data=None, files=None, parent_page=None, *args, **kwargs):
        super().__init__(data, files, parent_page, *args, **kwargs)
        cooperation = self.get_cooperation(parent_page)
        if cooperation is None:
            return
        libraries = cooperation.current_members()
        if self.instance.pk:
            # Libraries that have since left stay on the items they took part in.
            kept = [library.pk for library in self.instance.partner_libraries.all()]
            kept.append(getattr(self.instance, "venue_library_id", None))
            libraries = libraries.model.objects.filter(
                Q(pk__in=libraries.values("pk")) | Q(pk__in=[pk for pk in kept if pk])
            )
        libraries = libraries.order_by("title")
        if "partner_libraries" in self.fields:
            field = self.fields["partner_libraries"]
            field.queryset = libraries
            field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
            field.error_messages["invalid_choice"] = _(
                "Библиотека не участвует в Соглашении этого содружества."
            )
        if "venue_library" in self.fields:
            field = self.fields["venue_library"]
            field.queryset = libraries
            field.widget = forms.Select(choices=field.choices)
            field.error_messages["invalid_choice"] = _(
                "Место проведения — одна из библиотек-участниц содружества."
            )
        if "program" in self.fields:
            from .models.activities import ProgramPage

            field = self.fields["program"]
            field.queryset = ProgramPage.objects.child_of(cooperation).order_by("title")
            field.widget = forms.Select(choices=field.choices)
            field.error_messages["invalid_choice"] = _(
                "Программа должна относиться к этому содружеству."
            )

    def clean_page(self):
        parent = self.parent_page or (self.instance.get_parent() if self.instance.pk else None)
        if parent is not None and hasattr(self.instance, "clean_for_parent"):
            try:
                self.instance.clean_for_parent(parent)
            except ValidationError as error:
                self.add_error(None, error)

    def get_cooperation(self, parent_page):
        from .models.cooperations import CooperationPage

        page = parent_page or (self.instance.get_parent() if self.instance.pk else None)
        if page is None:
            return None
        page = page.specific
        return page if isinstance(page, CooperationPage) else None


class RejectionForm(forms.Form):
    """A page goes back to its author only with the reason: the submitter is told why."""

    comment = forms.CharField(
        label=_("Что исправить"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Напишите автору, что нужно исправить.")},
    )


class AdminLoginForm(LoginForm):
    """Wagtail's log-in form with a label on the password field, so it reads in Russian too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Пароль")
