"""Forms only collect input; ``record_clean`` and the services validate it, for every entry path.

The record form shows only what its kind needs (001 Art. 9: sanctions only for penalties; 000
Art. 13: a complainant only on complaints)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from subjects.models import SubjectKind

from .models import Polarity, RecordKind, SanctionKind, Severity
from .validation import RecordInput, SanctionInput


class DateInput(forms.DateInput):
    input_type = "date"


class RecordForm(forms.Form):
    subject_code = forms.CharField(
        label=_("Subject code"),
        max_length=40,
        help_text=_("Unified social credit code, or the identity number of a person."),
    )
    subject_kind = forms.ChoiceField(
        label=_("Subject kind (for a subject not yet registered)"),
        required=False,
        choices=[("", "—")] + list(SubjectKind.choices),
    )
    subject_name = forms.CharField(
        label=_("Subject name (for a subject not yet registered)"), max_length=200, required=False
    )
    document_number = forms.CharField(label=_("Document number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput)
    matter = forms.CharField(label=_("Violation or matter"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[("", _("Derive from the sanctions or the kind"))] + list(Severity.choices),
    )
    severity_reason = forms.CharField(
        label=_("Reason for setting the severity by hand"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    external_grade = forms.CharField(label=_("Grade given"), max_length=20, required=False)
    complainant_name = forms.CharField(
        label=_("Complainant (kept confidential)"), max_length=100, required=False
    )
    complainant_contact = forms.CharField(
        label=_("Complainant contact (kept confidential)"), max_length=100, required=False
    )
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, image, Word, Excel or OFD, at most 10 MB."),
    )

    def __init__(
        self,
        *args,
        kind: RecordKind,
        with_subject: bool = True,
        stored_complainant: tuple[str, str] | None = None,
        **kwargs,
    ):
        """``stored_complainant``: the complainant on file, for an editor who may not see it (000
        Art. 13): the fields start empty, and left empty they keep what is stored."""
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.stored_complainant = stored_complainant
        drop = set()
        if not with_subject:
            drop |= {"subject_code", "subject_kind", "subject_name"}
        if kind.polarity != Polarity.NEGATIVE:
            drop |= {"severity", "severity_reason"}
        if not kind.has_external_grade:
            drop.add("external_grade")
        elif kind.external_grade_choices:
            # 000/001 Art. 4: a result from the kind's scale, which the grading rules name.
            self.fields["external_grade"] = forms.ChoiceField(
                label=_("Result"),
                required=False,
                choices=[("", "—")] + [(str(c), str(c)) for c in kind.external_grade_choices],
            )
        if not kind.has_complainant:
            drop |= {"complainant_name", "complainant_contact"}
        if kind.polarity == Polarity.POSITIVE:
            self.fields["matter"].label = _("Commendation or matter")
        for name in drop:
            del self.fields[name]
        if stored_complainant is not None and "complainant_name" in self.fields and any(stored_complainant):
            for name in ("complainant_name", "complainant_contact"):
                self.fields[name].help_text = _(
                    "On file and kept confidential. Leave empty to keep it; enter a new value to replace it."
                )

    def record_input(self, sanctions: list[SanctionInput]) -> RecordInput:
        data = self.cleaned_data
        return RecordInput(
            kind=self.kind.code,
            document_number=data["document_number"],
            decision_date=data["decision_date"],
            matter=data["matter"],
            content=data.get("content", ""),
            legal_basis=data.get("legal_basis", ""),
            sanctions=sanctions,
            severity=data.get("severity", ""),
            severity_reason=data.get("severity_reason", ""),
            external_grade=data.get("external_grade", ""),
            complainant_name=self._complainant("complainant_name", 0),
            complainant_contact=self._complainant("complainant_contact", 1),
        )

    def _complainant(self, name: str, index: int) -> str:
        value = self.cleaned_data.get(name, "")
        if not value and self.stored_complainant is not None:
            return self.stored_complainant[index]
        return value


class SanctionForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Sanction"), queryset=SanctionKind.objects.all(), required=False)
    fine_amount = forms.DecimalField(
        label=_("Amount (yuan)"), required=False, max_digits=14, decimal_places=2, min_value=0
    )
    detail = forms.CharField(label=_("Detail"), max_length=255, required=False)


SanctionFormSet = forms.formset_factory(SanctionForm, extra=3, max_num=10)


def sanctions_from(formset) -> list[SanctionInput]:
    return [
        SanctionInput(
            kind=form.cleaned_data["kind"].code,
            fine_amount=form.cleaned_data.get("fine_amount"),
            detail=form.cleaned_data.get("detail", ""),
        )
        for form in formset.forms
        if form.cleaned_data.get("kind")
    ]


def sanction_initial(record) -> list[dict]:
    return [
        {"kind": s.kind, "fine_amount": s.fine_amount, "detail": s.detail} for s in record.sanctions.all()
    ]


def record_initial(record, *, with_complainant: bool = True) -> dict:
    """The form's initial values; the complainant (000 Art. 13) only for an editor who may see it."""
    initial = {
        "document_number": record.document_number,
        "decision_date": record.decision_date,
        "matter": record.matter,
        "content": record.content,
        "legal_basis": record.legal_basis,
        "severity": record.severity if record.severity_source == "manual" else "",
        "severity_reason": record.severity_reason,
        "external_grade": record.external_grade,
    }
    if with_complainant:
        initial["complainant_name"] = record.complainant_name
        initial["complainant_contact"] = record.complainant_contact
    return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
