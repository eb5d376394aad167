import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from subjects.models import Subject
from tests.factories import make_company, make_person, make_uscc, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_is_refused(api):
    assert api.get("/api/subjects/").status_code in (401, 403)


def test_subject_user_is_refused(api):
    api.force_authenticate(make_user(Role.SUBJECT, None))
    assert api.get("/api/subjects/").status_code == 403


def test_list_filters_by_name_and_masks_persons(api, clerk, django_assert_max_num_queries):
    person = make_person("陈十一")
    for i in range(20):
        make_company(f"西峡县汇通{i}商贸有限公司", rep=(person.code, "陈十一"))
    api.force_authenticate(clerk)
    with django_assert_max_num_queries(6):
        response = api.get("/api/subjects/", {"q": "汇通"})
    assert response.status_code == 200 and response.data["count"] == 20
    first = response.data["results"][0]
    assert first["legal_representative"]["code"] == person.code[:6] + "********" + person.code[-4:]


def test_create_and_refuse_bad_input_with_a_chinese_message(api, clerk):
    api.force_authenticate(clerk)
    code = make_uscc()
    ok = api.post(
        "/api/subjects/",
        {"kind": "legal_person", "code": code, "name": "西峡县永安建材有限公司"},
        format="json",
    )
    assert ok.status_code == 201 and ok.data["code"] == code
    dup = api.post(
        "/api/subjects/",
        {"kind": "legal_person", "code": code, "name": "重复"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert dup.status_code == 400 and "已登记" in dup.data["code"][0]
    assert Subject.objects.count() == 1


def test_detail_by_code(api, clerk):
    firm = make_company("西峡县博远农业科技有限公司")
    api.force_authenticate(clerk)
    assert api.get(f"/api/subjects/{firm.code}/").data["name"] == "西峡县博远农业科技有限公司"
    assert api.get(f"/api/subjects/{make_uscc()}/").status_code == 404
