"""Forms only collect input; the services validate it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department

from .models import VoluntaryCategory
from .services import TRUTHFULNESS_TEXT


class DateInput(forms.DateInput):
    input_type = "date"


class TemplateForm(forms.Form):
    matter = forms.CharField(label=_("Matter"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text of the commitment"), widget=forms.Textarea(attrs={"rows": 6}))
    materials_working_days = forms.IntegerField(
        label=_("Working days to supply missing materials"), initial=20, min_value=1, max_value=120
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class SignForm(forms.Form):
    subject_code = forms.CharField(
        label=_("Subject code"),
        max_length=40,
        help_text=_("Unified social credit code, or the identity number of a person."),
    )
    missing_materials = forms.CharField(
        label=_("Materials still missing (容缺受理)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    materials_due = forms.DateField(
        label=_("Missing materials due on"),
        widget=DateInput,
        required=False,
        help_text=_("Empty: the template's number of working days from today."),
    )

    def __init__(self, *args, with_subject: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_subject:
            del self.fields["subject_code"]


class FulfilForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class BreachForm(forms.Form):
    document_number = forms.CharField(label=_("Document number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput)
    reason = forms.CharField(label=_("Facts of the breach"), widget=forms.Textarea(attrs={"rows": 3}))


class VoluntaryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=VoluntaryCategory.choices)
    department = forms.ModelChoiceField(
        label=_("Verifying department"), queryset=Department.objects.filter(is_active=True)
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    issuer = forms.CharField(label=_("Issued by or counterparty"), max_length=200, required=False)
    reference = forms.CharField(label=_("Certificate or contract number"), max_length=100, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput, required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    file = forms.FileField(label=_("Supporting file"), required=False)
    truthful = forms.BooleanField(label=TRUTHFULNESS_TEXT, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons given"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
