"""Forms only collect input; the services validate it (codes, passwords, files, transitions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from subjects.models import SubjectKind


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


class DecisionReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
