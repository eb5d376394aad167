"""Forms only collect input; the services validate it, so the same rules hold for every entry point."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AnswererRole, SubjectKind


class SubjectRegisterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SubjectKind.choices)
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "Unified social credit code (18 characters), or the resident identity number of a person."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_representative_name = forms.CharField(
        label=_("Legal representative"), max_length=100, required=False
    )
    legal_representative_id_number = forms.CharField(
        label=_("Legal representative's identity number"), max_length=40, required=False
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    email = forms.CharField(
        label=_("Contact e-mail"),
        max_length=254,
        required=False,
        help_text=_("Codes that link a portal account to the subject are sent here."),
    )


class SubjectChangeForm(SubjectRegisterForm):
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswererForm(forms.Form):
    """A principal or actual controller of an organisation (004 §6(5))."""

    role = forms.ChoiceField(label=_("Role"), choices=AnswererRole.choices)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    id_number = forms.CharField(label=_("Identity number"), max_length=40)
    since = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason for the change"), max_length=500)


class AnswererEndForm(forms.Form):
    until = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=500)
