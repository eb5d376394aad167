"""Who answers for a subject (004 §6(5), 000 Art. 11(3); SPEC §5): the legal representative, the
principal and the actual controller, linked on the subject page by the credit office and kept with
history; a person's page and credit report list every subject they answer for; the measures that extend
to such persons follow the links."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditLog
from creditreports.services import credit_report_issue
from measures.selectors import measures_applicable
from measures.services import list_entry_add
from subjects.models import AnswererRole, SubjectAnswerer
from subjects.selectors import subjects_answered_for
from subjects.services import subject_answerer_add, subject_answerer_end
from tests.documents.pdftext import pdf_text, squeeze
from tests.factories import make_company, make_person, make_resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(db):
    return make_company("西峡县担责测试建材有限公司", rep=(make_resident_id("19700101"), "郑法人"))


def test_the_credit_office_links_a_principal_and_an_actual_controller(firm, credit_office_user, clerk):
    person_number = make_resident_id("19810303")
    link = subject_answerer_add(
        actor=credit_office_user,
        subject=firm,
        role=AnswererRole.ACTUAL_CONTROLLER,
        id_number=person_number,
        name="钱控制",
        reason="工商登记信息",
    )
    person = link.person
    assert person.is_natural_person and person.name == "钱控制" and link.since == timezone.localdate()
    principal = subject_answerer_add(
        actor=credit_office_user,
        subject=firm,
        role=AnswererRole.PRINCIPAL,
        id_number=person_number,
        reason="兼任",
    )
    answered = subjects_answered_for(person_ids=[person.pk, firm.legal_representative_id])
    assert sorted(role for f, role in answered[person.pk] if f.pk == firm.pk) == ["主要负责人", "实际控制人"]
    assert [f.pk for f, _role in answered[firm.legal_representative_id]] == [firm.pk]
    assert AuditLog.objects.filter(action="subject.answerer_add").count() == 2
    # The same link twice, a clerk, a person as an organisation, no reason: refused, nothing changed.
    with pytest.raises(ValidationError):
        subject_answerer_add(
            actor=credit_office_user,
            subject=firm,
            role=AnswererRole.PRINCIPAL,
            id_number=person_number,
            reason="再次",
        )
    with pytest.raises(PermissionDenied):
        subject_answerer_add(
            actor=clerk,
            subject=firm,
            role=AnswererRole.PRINCIPAL,
            id_number=make_resident_id(),
            name="甲",
            reason="x",
        )
    with pytest.raises(ValidationError) as exc:
        subject_answerer_add(
            actor=credit_office_user,
            subject=person,
            role=AnswererRole.PRINCIPAL,
            id_number=person_number,
            reason="x",
        )
    assert "role" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        subject_answerer_add(
            actor=credit_office_user, subject=firm, role=AnswererRole.PRINCIPAL, id_number="123", reason="x"
        )
    assert "id_number" in exc.value.message_dict
    assert SubjectAnswerer.objects.count() == 2

    # Ended: kept, with its history, and no longer counted.
    subject_answerer_end(actor=credit_office_user, answerer=principal, reason="不再担任")
    principal.refresh_from_db()
    assert principal.until == timezone.localdate() and principal.history.count() == 2
    assert [role for _f, role in subjects_answered_for(person_ids=[person.pk])[person.pk]] == ["实际控制人"]
    with pytest.raises(ValidationError):
        subject_answerer_end(actor=credit_office_user, answerer=principal, reason="再次")
    with pytest.raises(ValidationError):
        subject_answerer_end(
            actor=credit_office_user,
            answerer=link,
            until=link.since - datetime.timedelta(days=1),
            reason="早于开始",
        )


def test_measures_extend_to_the_actual_controller(firm, credit_office_user):
    person = make_person("孙控制", make_resident_id("19820404"))
    list_entry_add(
        actor=credit_office_user,
        list_type="black",
        subject=firm,
        reason="严重失信",
        authority="西峡县人民法院",
        listed_on=timezone.localdate(),
    )
    assert not [m for m in measures_applicable(subject=person) if m["via_subject"]]
    subject_answerer_add(
        actor=credit_office_user,
        subject=firm,
        role=AnswererRole.ACTUAL_CONTROLLER,
        id_number=person.code,
        reason="x",
    )
    via = [m for m in measures_applicable(subject=person) if m["via_subject"]]
    assert via and all(m["via_subject"] == firm.code and m["extends_to_legal_representative"] for m in via)
    # The person's credit report names the firm and the role.
    issued = credit_report_issue(subject=person, full=False)
    text = squeeze(pdf_text(issued.content))
    assert firm.name in text and "实际控制人" in text and "孙控制" in text


def test_pages_show_the_links_and_the_firms_a_person_answers_for(client, firm, credit_office_user, clerk):
    person_number = make_resident_id("19830505")
    client.force_login(credit_office_user)
    response = client.post(
        f"/subjects/{firm.pk}/answerers/",
        {"role": "principal", "id_number": person_number, "name": "李负责", "reason": "登记"},
    )
    assert response.status_code == 302
    link = SubjectAnswerer.objects.get()
    page = client.get(f"/subjects/{firm.pk}/").content.decode()
    assert "李负责" in page and "主要负责人" in page and "郑法人" in page
    person_page = client.get(f"/subjects/{link.person_id}/").content.decode()
    assert (
        'class="card answered-for"' in person_page and firm.name in person_page and firm.code in person_page
    )
    # A bad number: a clear message, nothing changed.
    client.post(f"/subjects/{firm.pk}/answerers/", {"role": "principal", "id_number": "12", "reason": "x"})
    assert SubjectAnswerer.objects.count() == 1
    response = client.post(f"/subjects/{firm.pk}/answerers/{link.pk}/end/", {"reason": "离任"})
    assert response.status_code == 302 and SubjectAnswerer.objects.get().until is not None
    # A clerk sees the links but changes nothing.
    client.force_login(clerk)
    assert "李负责" in client.get(f"/subjects/{firm.pk}/").content.decode()
    assert (
        client.post(
            f"/subjects/{firm.pk}/answerers/",
            {"role": "principal", "id_number": person_number, "reason": "x"},
        ).status_code
        == 403
    )


def test_a_person_who_answers_for_a_firm_stays_a_natural_person(firm, credit_office_user):
    from subjects.services import subject_update

    link = subject_answerer_add(
        actor=credit_office_user, subject=firm, role=AnswererRole.PRINCIPAL, id_number=make_resident_id(),
        name="周负责", reason="登记",
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        subject_update(actor=credit_office_user, subject=link.person, reason="改类别", kind="legal_person")
    assert "kind" in exc.value.message_dict
