"""Forms only collect input; the services validate it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from records.models import SanctionKind
from subjects.models import SubjectKind

from .draw import GRADES
from .models import InspectionMatter, Outcome, PlanScope


class DateInput(forms.DateInput):
    """A browser date picker, which reads and writes ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's own keyword
        super().__init__(attrs, format=format)


KIND_CHOICES = SubjectKind.choices


class MatterForm(forms.Form):
    name = forms.CharField(label=_("Matter"), max_length=200)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    subject_kinds = forms.MultipleChoiceField(
        label=_("Subject kinds it applies to"),
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class InspectorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    certificate_number = forms.CharField(label=_("Law-enforcement certificate number"), max_length=40)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ConflictForm(forms.Form):
    subject_code = forms.CharField(
        label=_("Subject code"),
        max_length=40,
        help_text=_("Unified social credit code, or the identity number of a person."),
    )
    reason = forms.CharField(label=_("Reason for the conflict"), max_length=200)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    matters = forms.ModelMultipleChoiceField(
        label=_("Inspection matters"),
        queryset=InspectionMatter.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Other departments inspecting together (joint plan)"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput)
    period_end = forms.DateField(label=_("Period to"), widget=DateInput)
    scope = forms.ChoiceField(label=_("Eligible subjects"), choices=PlanScope.choices)
    subject_kinds = forms.MultipleChoiceField(
        label=_("Subject kinds"),
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )

    def __init__(self, *args, department, ratios: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matters"].queryset = InspectionMatter.objects.filter(
            department=department, is_active=True
        )
        self.fields["partners"].queryset = Department.objects.filter(is_active=True).exclude(pk=department.pk)
        for grade in GRADES:
            self.fields[f"ratio_{grade}"] = forms.CharField(
                label=_("Sampling ratio of %(grade)s") % {"grade": grade},
                max_length=12,
                initial=ratios.get(grade, "0"),
                help_text=_("From 0 to 1; the catalogue's default is shown.") if grade == "A+" else "",
            )

    def ratios(self) -> dict[str, str]:
        return {grade: self.cleaned_data[f"ratio_{grade}"] for grade in GRADES}

    def plan_values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "matters": list(data["matters"]),
            "year": data["year"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "scope": data["scope"],
            "subject_kinds": data["subject_kinds"],
            "ratios": self.ratios(),
            "partners": list(data["partners"]),
        }


FAILED_KIND_CHOICES = [
    ("inspection_failed", _("Inspection failed (检查不合格)")),
    ("correction_order", _("Order to correct (责令改正)")),
    ("warning", _("Warning (警告)")),
    ("administrative_penalty", _("Administrative penalty (行政处罚)")),
]


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Result"),
        choices=[c for c in Outcome.choices if c[0] != Outcome.PENDING],
        widget=forms.RadioSelect,
    )
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DateInput)
    findings = forms.CharField(
        label=_("What was found"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed unless no problem was found."),
    )
    record_kind = forms.ChoiceField(
        label=_("A failed inspection becomes"),
        choices=FAILED_KIND_CHOICES,
        required=False,
        initial="inspection_failed",
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        required=False,
        help_text=_("Of the inspection record or the decision; needed for a failed inspection."),
    )
    decision_date = forms.DateField(
        label=_("Decision date"),
        widget=DateInput,
        required=False,
        help_text=_("Empty: the day of the inspection."),
    )
    sanction = forms.ChoiceField(label=_("Sanction (for a penalty)"), required=False)
    fine_amount = forms.DecimalField(
        label=_("Fine (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sanction"].choices = [("", "—")] + list(
            SanctionKind.objects.order_by("rank").values_list("code", "name")
        )
