"""Forms only collect input; the services validate it, for every entry path."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department

from .models import Measure, MeasureApplication


class DateInput(forms.DateInput):
    input_type = "date"


class ApplicationForm(forms.Form):
    subject_code = forms.CharField(
        label=_("Subject code"),
        max_length=40,
        required=False,
        help_text=_("Unified social credit code, or the identity number of a person."),
    )
    # Set when the form is opened from a subject's page (a person's number is not put in the address).
    subject_pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    measure = forms.ModelChoiceField(
        label=_("Measure"),
        queryset=Measure.objects.filter(is_active=True).order_by("sort_order", "code"),
        to_field_name="code",
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True).order_by("sort_order", "code"),
        required=False,
        help_text=_("The credit office records for any department; staff for their own."),
    )
    applied_on = forms.DateField(label=_("Applied on"), widget=DateInput)
    matter = forms.CharField(label=_("Matter"), max_length=200, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MeasureApplication.Outcome.choices)
    outcome_note = forms.CharField(
        label=_("Outcome in detail"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, can_choose_department: bool = False, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_choose_department:
            del self.fields["department"]
        if subject is not None:
            self.fields["subject_code"].widget = forms.HiddenInput()
