import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditLog
from subjects.models import Subject
from tests.factories import make_company, make_person, make_resident_id, make_uscc, make_user

pytestmark = pytest.mark.django_db


def test_list_needs_login(client):
    response = client.get(reverse("subjects:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_subject_user_cannot_open_the_staff_list(client):
    client.force_login(make_user(Role.SUBJECT, None))
    response = client.get(reverse("subjects:list"))
    assert response.status_code == 403


def test_list_searches_and_masks_in_chinese(client, clerk):
    person = make_person("吴十")
    make_company("西峡县龙腾物流有限公司", rep=(person.code, "吴十"))
    make_company("西峡县康宁餐饮管理有限公司")
    client.force_login(clerk)
    page = client.get(reverse("subjects:list"), {"q": "物流"}).content.decode()
    assert "信用主体" in page and "西峡县龙腾物流有限公司" in page and "康宁" not in page
    page = client.get(reverse("subjects:list"), {"q": "吴十"}).content.decode()
    assert person.code not in page  # a clerk sees the masked number
    assert person.code[:6] + "********" + person.code[-4:] in page


def test_list_query_count_does_not_grow_with_the_page(client, clerk, django_assert_max_num_queries):
    person = make_person("郑一")
    for i in range(60):
        make_company(f"企业{i:02d}有限公司", rep=(person.code, "郑一"))
    client.force_login(clerk)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("subjects:list"))
    assert response.status_code == 200
    assert response.content.decode().count("有限公司</a>") == 50


def test_register_form_creates_the_subject(client, clerk):
    client.force_login(clerk)
    code = make_uscc()
    response = client.post(
        reverse("subjects:create"),
        {
            "kind": "legal_person",
            "code": code,
            "name": "西峡县嘉禾商贸有限公司",
            "legal_representative_name": "冯二",
            "legal_representative_id_number": make_resident_id(),
        },
    )
    assert response.status_code == 302
    assert Subject.objects.get(code=code).legal_representative.name == "冯二"


def test_register_form_shows_the_problem_and_changes_nothing(client, clerk):
    client.force_login(clerk)
    code = make_uscc()
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post(
        reverse("subjects:create"), {"kind": "legal_person", "code": bad, "name": "某公司"}
    )
    assert response.status_code == 200
    assert f"第18位校验码应为 {code[17]}" in response.content.decode()
    assert not Subject.objects.exists() and not AuditLog.objects.filter(action="subject.create").exists()


def test_register_form_rejects_an_unknown_kind(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("subjects:create"), {"kind": "company", "code": make_uscc(), "name": "某公司"}
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not Subject.objects.exists()


def test_detail_of_unknown_code_is_404(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("subjects:detail", args=[999999])).status_code == 404


def test_clerk_cannot_change_a_subject(client, clerk):
    subject = make_company("某某公司")
    client.force_login(clerk)
    response = client.post(
        reverse("subjects:edit", args=[subject.pk]),
        {"kind": "legal_person", "code": subject.code, "name": "改名", "reason": "x"},
    )
    assert response.status_code == 403
    subject.refresh_from_db()
    assert subject.name == "某某公司"


def test_credit_office_changes_a_subject_and_sees_its_history(client, credit_office_user):
    subject = make_company("旧名字有限公司")
    client.force_login(credit_office_user)
    response = client.post(
        reverse("subjects:edit", args=[subject.pk]),
        {"kind": "legal_person", "code": subject.code, "name": "新名字有限公司", "reason": "名称变更"},
    )
    assert response.status_code == 302
    page = client.get(reverse("subjects:detail", args=[subject.pk])).content.decode()
    assert "新名字有限公司" in page and "名称变更" in page and "变更记录" in page
