"""Forms of the reminder pages; they only check shapes, the rules live in ``reminders.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InterviewType, PersonRole, ReminderMethod


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ReminderRegisterForm(forms.Form):
    method = forms.ChoiceField(label=_("method"), choices=ReminderMethod.choices)
    interview_type = forms.ChoiceField(
        label=_("interview type"), choices=[("", "—"), *InterviewType.choices], required=False
    )
    held_at = forms.DateTimeField(
        label=_("time"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    content = forms.CharField(
        label=_("content"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Point out the dishonest conduct, explain the laws and policies concerned, and urge the party "
            "to abide by the law and keep its word (000 Art. 12)."
        ),
    )
    rectification_deadline = forms.DateField(
        label=_("rectification deadline"),
        required=False,
        widget=DateInput(),
        help_text=_("If it passes without rectification, an interview falls due."),
    )

    def __init__(self, *args, methods=None, **kwargs):
        super().__init__(*args, **kwargs)
        if methods:
            self.fields["method"].choices = [(m, ReminderMethod(m).label) for m in methods]


class PersonForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("role"), choices=[("", "—"), *PersonRole.choices], required=False)
    position = forms.CharField(label=_("position"), max_length=100, required=False)


PersonFormSet = forms.formset_factory(PersonForm, extra=3, max_num=10)


class RectifyForm(forms.Form):
    rectified_on = forms.DateField(label=_("rectified on"), widget=DateInput())
    note = forms.CharField(label=_("rectification"), widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}))
