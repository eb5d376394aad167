import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Department, Role
from commitments.models import Commitment, CommitmentStatus, VoluntaryEntry, VoluntaryStatus
from commitments.services import commitment_sign, voluntary_register, voluntary_verify
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _entry(user, title="ISO9001质量管理体系认证"):
    return voluntary_register(
        actor=user,
        department=Department.objects.get(code="fgw"),
        category="certificate",
        title=title,
        truthful=True,
        files=[SimpleUploadedFile("证书.pdf", PDF)],
    )


def test_sign_fulfil_and_breach_on_the_pages(client, template, clerk, firm_user):
    client.force_login(firm_user)
    home = client.get(reverse("commitments:home")).content.decode()
    assert reverse("commitments:sign", args=[template.pk]) in home
    response = client.post(reverse("commitments:sign", args=[template.pk]), {"missing_materials": "环评批复"})
    commitment = Commitment.objects.get()
    assert response.status_code == 302 and commitment.materials_due is not None
    client.force_login(clerk)
    page = client.get(reverse("commitments:detail", args=[commitment.pk])).content.decode()
    assert "记为已履约" in page and "本单位承诺" in page
    page = client.post(
        reverse("commitments:breach", args=[commitment.pk]),
        {"document_number": "", "decision_date": "2026-10-01", "reason": "未补交"},
    ).content.decode()
    assert "必填" in page or "这个字段是必填项" in page
    response = client.post(
        reverse("commitments:breach", args=[commitment.pk]),
        {"document_number": "西发改诺1号", "decision_date": "2026-10-01", "reason": "逾期未补交环评批复"},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (
        commitment.status == CommitmentStatus.BREACHED
        and commitment.breach_record.document_number == "西发改诺1号"
    )
    response = client.post(reverse("commitments:fulfil", args=[commitment.pk]), follow=True)
    assert "状态为“已违诺”的承诺不能记为已履约" in response.content.decode()


def test_a_clerk_registers_a_paper_commitment_by_code(client, template, clerk, firm):
    client.force_login(clerk)
    page = client.post(
        reverse("commitments:sign", args=[template.pk]), {"subject_code": "91411323MA00000000"}
    )
    assert "没有登记该代码的信用主体" in page.content.decode()
    response = client.post(reverse("commitments:sign", args=[template.pk]), {"subject_code": firm.code})
    assert response.status_code == 302 and Commitment.objects.get().channel == "paper"


def test_templates_are_maintained_on_the_pages(client, clerk, firm_user):
    client.force_login(clerk)
    data = {
        "matter": "食品经营许可",
        "title": "承诺书",
        "text": "承诺内容",
        "materials_working_days": "15",
        "is_active": "on",
    }
    assert client.post(reverse("commitments:templates"), data).status_code == 302
    page = client.post(reverse("commitments:templates"), data).content.decode()
    assert "本部门已有该事项的承诺书模板" in page
    client.force_login(firm_user)
    assert client.get(reverse("commitments:templates")).status_code == 403


def test_the_public_list_needs_no_login_and_masks_natural_persons(
    client, template, clerk, firm, django_assert_max_num_queries
):
    person = make_person("李明")
    commitment_sign(actor=clerk, template=template, subject=person)
    commitment_sign(actor=clerk, template=template, subject=firm)
    for n in range(10):
        commitment_sign(actor=clerk, template=template, subject=firm, missing_materials=f"材料{n}")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("commitments:public"))
    page = response.content.decode()
    assert response.status_code == 200 and firm.name in page and firm.code in page
    assert person.code not in page and "李明" not in page
    # The region only: never the 6+4 mask a look-up by number could complete (issue 13).
    assert "李*" in page and person.code[:6] + "*" * 12 in page and person.code[-4:] not in page
    assert "李*" not in client.get(reverse("commitments:public"), {"q": "李明"}).content.decode()
    # The number finds nothing here: a search by number would confirm a guess with no budget of its own.
    assert "李*" not in client.get(reverse("commitments:public"), {"q": person.code}).content.decode()
    by_firm_code = client.get(reverse("commitments:public"), {"q": firm.code}).content.decode()
    assert firm.name in by_firm_code and "李*" not in by_firm_code


def test_a_subject_user_never_reads_another_subjects_commitments_or_registrations(
    client, template, firm_user, other_firm_user
):
    commitment = commitment_sign(actor=firm_user, template=template)
    entry = _entry(firm_user)
    stored = entry.files.get()
    client.force_login(other_firm_user)
    for url in [
        reverse("commitments:detail", args=[commitment.pk]),
        reverse("commitments:breach", args=[commitment.pk]),
        reverse("commitments:voluntary_detail", args=[entry.pk]),
        reverse("commitments:voluntary_file", args=[entry.pk, stored.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    # templates are public; changing one is not a subject's business
    assert client.get(reverse("commitments:template_edit", args=[template.pk])).status_code == 403
    for url in [
        reverse("commitments:fulfil", args=[commitment.pk]),
        reverse("commitments:breach", args=[commitment.pk]),
        reverse("commitments:voluntary_action", args=[entry.pk, "withdraw"]),
        reverse("commitments:voluntary_action", args=[entry.pk, "verify"]),
    ]:
        assert client.post(url).status_code == 404, url
    for url in (reverse("commitments:home"), reverse("commitments:voluntary")):
        page = client.get(url).content.decode()
        assert "ISO9001" not in page and reverse("commitments:detail", args=[commitment.pk]) not in page
    entry.refresh_from_db()
    assert entry.status == VoluntaryStatus.SUBMITTED
    client.force_login(firm_user)
    assert client.get(reverse("commitments:voluntary_file", args=[entry.pk, stored.pk])).content.startswith(
        b"%PDF"
    )


def test_other_departments_and_the_public_get_nothing(client, template, firm_user, other_clerk):
    commitment = commitment_sign(actor=firm_user, template=template)
    client.force_login(other_clerk)
    assert client.get(reverse("commitments:detail", args=[commitment.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("commitments:detail", args=[commitment.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_verified_registrations_show_on_the_subject_page(client, firm, firm_user, reviewer, clerk):
    verified = voluntary_verify(actor=reviewer, entry=_entry(firm_user))
    _entry(firm_user, title="尚未核实的证书")
    client.force_login(clerk)
    page = client.get(reverse("subjects:detail", args=[firm.pk])).content.decode()
    assert "经核实的自愿注册信息" in page and verified.title in page and "尚未核实的证书" not in page


def test_registration_and_verification_on_the_pages(
    client, firm_user, reviewer, django_assert_max_num_queries
):
    client.force_login(firm_user)
    data = {
        "category": "contract",
        "department": str(Department.objects.get(code="fgw").pk),
        "title": "县医院工程合同履约",
        "file": SimpleUploadedFile("合同.pdf", PDF),
    }
    page = client.post(reverse("commitments:voluntary_create"), data).content.decode()
    assert "注册信息须作出真实性承诺" in page and not VoluntaryEntry.objects.exists()
    data["file"] = SimpleUploadedFile("合同.pdf", PDF)
    data["truthful"] = "on"
    assert client.post(reverse("commitments:voluntary_create"), data).status_code == 302
    entry = VoluntaryEntry.objects.get()
    client.force_login(reviewer)
    for n in range(10):
        _entry(firm_user, title=f"证书{n}")
    with django_assert_max_num_queries(10):
        queue = client.get(reverse("commitments:voluntary")).content.decode()
    assert "待核实" in queue and entry.title in queue
    client.post(reverse("commitments:voluntary_action", args=[entry.pk, "verify"]))
    entry.refresh_from_db()
    assert entry.status == VoluntaryStatus.VERIFIED and entry.positive_record is not None


def test_commitment_lists_have_bounded_queries(
    client, template, clerk, firm_user, django_assert_max_num_queries
):
    for n in range(12):
        commitment_sign(actor=firm_user, template=template, missing_materials=f"材料{n}")
    for user in (clerk, firm_user, make_user(Role.CREDIT_OFFICE, "xyb", username="office-2")):
        client.force_login(user)
        with django_assert_max_num_queries(10):
            assert client.get(reverse("commitments:home")).status_code == 200


def test_the_subject_does_not_see_the_breach_record_before_it_takes_effect(
    client, template, clerk, reviewer, firm_user
):
    """Issue 13 #4: the breach record awaits the department's review; its number is not the subject's
    to see until then (the staff see it)."""
    from commitments.services import commitment_breach, commitment_sign
    from records.services import record_approve

    commitment = commitment_sign(actor=firm_user, template=template, missing_materials="环评批复")
    commitment = commitment_breach(
        actor=clerk,
        commitment=commitment,
        document_number="西发改诺9号",
        decision_date=datetime.date(2026, 10, 1),
        reason="逾期未补交",
    )
    url = reverse("commitments:detail", args=[commitment.pk])
    client.force_login(firm_user)
    assert "西发改诺9号" not in client.get(url).content.decode()
    client.force_login(clerk)
    assert "西发改诺9号" in client.get(url).content.decode()
    record_approve(actor=reviewer, record=commitment.breach_record)
    client.force_login(firm_user)
    assert "西发改诺9号" in client.get(url).content.decode()


def test_the_supporting_file_is_kept_across_a_refusal(client, firm_user):
    """Issue 19: a file chosen on a form that came back with an error is not silently dropped."""
    import re

    client.force_login(firm_user)
    data = {
        "category": "contract",
        "department": str(Department.objects.get(code="fgw").pk),
        "title": "县医院工程合同履约",
        "file": SimpleUploadedFile("合同.pdf", PDF),
    }
    page = client.post(reverse("commitments:voluntary_create"), data).content.decode()
    assert "注册信息须作出真实性承诺" in page and "合同.pdf" in page
    token = re.search(r'name="held-file" value="([^"]+)"', page).group(1)
    data = {k: v for k, v in data.items() if k != "file"} | {"truthful": "on", "held-file": token}
    assert client.post(reverse("commitments:voluntary_create"), data).status_code == 302
    assert VoluntaryEntry.objects.get().files.get().original_name == "合同.pdf"
