"""Forms only collect input; the services validate it, for every entry path."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department

from .models import ListType, Measure, MeasureApplication


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


# --- a department's own red and black lists (SPEC §3.6) ----------------------------------------------
# Optional here: the service says, in the user's language, what is missing or wrong.


class ListingForm(forms.Form):
    subject_code = forms.CharField(
        label=_("Subject code"),
        max_length=40,
        required=False,
        help_text=_("Unified social credit code, or the identity number of a person."),
    )
    subject_pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    list_type = forms.ChoiceField(label=_("List"), choices=ListType.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason for listing"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    document_number = forms.CharField(label=_("Decision document number"), max_length=100, required=False)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput, required=False)
    decision_file = forms.FileField(
        label=_("Decision document"),
        required=False,
        help_text=_("PDF, image, OFD or office file; at most 10 MB."),
    )
    ends_on = forms.DateField(
        label=_("Listed until"),
        widget=DateInput,
        required=False,
        help_text=_("The last day of the listing period; the listing ends by itself after it."),
    )
    hearing_days = forms.IntegerField(
        label=_("Working days to state its case"),
        required=False,
        help_text=_("Black list only: the subject is told and may state its case within these working days."),
    )

    def __init__(self, *args, subject=None, resubmit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if subject is not None:
            self.fields["subject_code"].widget = forms.HiddenInput()
        if resubmit:
            for name in ("subject_code", "subject_pk", "list_type"):
                del self.fields[name]
            self.fields["decision_file"].help_text = _("Only to replace the document on file.")


class ListingReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ListingConsiderForm(forms.Form):
    """The department's answer to the subject's statement (posted as ``reason``) and its outcome."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("list", _("List the subject")), ("drop", _("Do not list the subject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("The department's answer to the statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
