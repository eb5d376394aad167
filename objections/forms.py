"""Forms only collect input; the services validate it (codes, passwords, files, transitions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from subjects.models import SubjectKind

from .models import ObjectionField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AccountRegisterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SubjectKind.choices)
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Unified social credit code, or the identity number of a person."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    phone = forms.CharField(label=_("Contact phone"), max_length=30)
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send the link that activates the account here, and later notices."),
    )
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)


class LinkCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The code the subject's contact on record received."),
    )


class ObjectionForm(forms.Form):
    field = forms.ChoiceField(
        label=_("What is wrong"),
        choices=[("", _("The whole record (not ours, never happened)"))] + ObjectionField.choices,
        required=False,
    )
    claimed_value = forms.CharField(
        label=_("The right value"),
        max_length=500,
        required=False,
        help_text=_(
            "For one field: the subject's code; the date as YYYY-MM-DD; the fine in yuan; the sanctions "
            "separated by “;”; the severity 轻微, 一般 or 严重."
        ),
    )
    reasons = forms.CharField(
        label=_("Why the information is wrong"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    evidence = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, image, Word, Excel or OFD, at most 10 MB."),
    )

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        if record is None:  # a grade objection names no field
            del self.fields["field"]
            del self.fields["claimed_value"]


class DecisionReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ObjectionDecisionForm(DecisionReasonForm):
    """The reasons, and what the decision sets: the field's value when partly upheld, the corrected
    grade of a grade objection (the service checks them)."""

    corrected_value = forms.CharField(
        label=_("Corrected value (partly upheld)"),
        max_length=500,
        required=False,
        help_text=_("Written as the subject's claim is; upheld takes the value the subject claimed."),
    )
    corrected_grade = forms.ChoiceField(label=_("Corrected grade"), required=False)

    def __init__(self, *args, objection, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        if objection.field:
            self.fields["corrected_value"].initial = objection.claimed_value
        else:
            del self.fields["corrected_value"]
        if levels:
            self.fields["corrected_grade"].choices = [("", "—")] + [(level, level) for level in levels]
        else:
            del self.fields["corrected_grade"]


class MaterialRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Material needed"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class MaterialAnswerForm(forms.Form):
    reason = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    files = MultipleFileField(
        label=_("Material"),
        required=False,
        help_text=_("PDF, image, Word, Excel or OFD, at most 10 MB."),
    )


class ListingStatementForm(forms.Form):
    """The subject's statement (陈述申辩) against a department's black listing it was told of (SPEC §3.6)."""

    statement = forms.CharField(
        label=_("Your statement"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("What you say against the listing: facts, reasons and what you ask for."),
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, image, Word, Excel or OFD, at most 10 MB."),
    )
