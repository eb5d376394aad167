"""The record kinds of the 000/001 Art. 4 inputs (records 0006) on every entry path: the web form, the
API and the general template — a result on the kind's scale (评定等级), validated by the one validator."""

import pytest
from django.urls import reverse

from accounts.models import Department
from records.importing import records_import
from records.models import CreditRecord, RecordKind
from records.spreadsheets import GENERAL_COLUMNS
from records.validation import external_grade_choice
from tests.factories import make_uscc

from .test_api import LIST, client_for
from .test_import import _csv, _general

pytestmark = pytest.mark.django_db


def test_the_kinds_and_their_scales_are_reference_data():
    kinds = {k.code: k for k in RecordKind.objects.all()}
    assert kinds["national_evaluation"].external_grade_choices == ["优", "良", "中", "差", "A", "B", "C", "D"]
    assert kinds["public_evaluation"].external_grade_choices == ["满意", "基本满意", "不满意"]
    rating = kinds["credit_rating"]
    assert (rating.name, rating.polarity, rating.has_external_grade) == ("市场信用评价", "neutral", True)
    assert rating.external_grade_choices == ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"]
    assert (kinds["joint_reward"].name, kinds["joint_reward"].polarity) == ("联合奖励", "positive")
    notice = kinds["joint_punishment_notice"]
    assert (notice.name, notice.polarity, notice.default_severity) == (
        "联合惩戒措施通报",
        "negative",
        "general",
    )
    assert kinds["good_grade"].external_grade_choices == []  # another department's grade: any text


@pytest.mark.parametrize(
    ("value", "expected"),
    [("AAA", "AAA"), ("aaa", "AAA"), ("ＡＡ", "AA"), (" c ", "C"), ("AAAA", None), ("", None)],
)
def test_a_result_is_read_as_the_scale_spells_it(value, expected):
    assert external_grade_choice(value, ["AAA", "AA", "A", "C"]) == expected


def test_the_form_offers_the_scale_and_refuses_anything_else(client, clerk, firm):
    client.force_login(clerk)
    url = reverse("records:create", args=["national_evaluation"])
    page = client.get(url).content.decode()
    assert '<select name="external_grade"' in page and '<option value="差">差</option>' in page
    data = {
        "subject_code": firm.code,
        "document_number": "国评-2026-1",
        "decision_date": "2026-03-02",
        "matter": "国家公共信用综合评价",
        "external_grade": "优秀",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and not CreditRecord.objects.exists()
    data["external_grade"] = ""
    response = client.post(url, data)
    assert response.status_code == 200 and "请填写" in response.content.decode()
    assert not CreditRecord.objects.exists()
    data["external_grade"] = "差"
    assert client.post(url, data).status_code == 302
    assert CreditRecord.objects.get().external_grade == "差"


def _payload(code: str, **values) -> dict:
    return {
        "subject_code": code,
        "document_number": "评级-2026-1",
        "decision_date": "2026-03-02",
        "matter": "建筑业企业信用等级评价",
        **values,
    }


def test_the_api_takes_a_result_on_the_scale_and_refuses_another_in_chinese(clerk, firm):
    api = client_for(clerk)
    refused = api.post(LIST, _payload(firm.code, kind="市场信用评价", external_grade="AAAA"), format="json")
    assert refused.status_code == 400
    assert refused.data["external_grade"][0] == (
        "“AAAA”不是市场信用评价的结果，请填写以下之一：AAA、AA、A、BBB、BB、B、CCC、CC、C。"
    )
    assert not CreditRecord.objects.exists()
    created = api.post(LIST, _payload(firm.code, kind="credit_rating", external_grade="aa"), format="json")
    assert created.status_code == 201, created.data
    assert CreditRecord.objects.get().external_grade == "AA"
    notice = api.post(
        LIST,
        _payload(
            firm.code,
            kind="联合惩戒措施通报",
            document_number="通报-1",
            severity="严重",
            severity_reason="失信被执行人",
        ),
        format="json",
    )
    assert (
        notice.status_code == 201 and CreditRecord.objects.get(document_number="通报-1").severity == "serious"
    )


def test_the_general_template_takes_the_new_kinds_by_name_and_the_result_in_its_column():
    fgw = Department.objects.get(code="fgw")
    headers = GENERAL_COLUMNS + ["评定等级"]
    code = make_uscc()
    rows = [
        _general(code, kind="市场信用评价", doc="评级-1", sanctions="", fine="") + ["AA"],
        _general(code, kind="公众评价", doc="评价-1", sanctions="", fine="") + ["不满意"],
        _general(code, kind="国家公共信用综合评价结果", doc="国评-1", sanctions="", fine="") + ["D"],
        _general(code, kind="联合奖励", doc="奖励-1", sanctions="", fine="") + [""],
        _general(code, kind="联合惩戒措施通报", doc="通报-1", sanctions="", fine="") + [""],
        _general(code, kind="市场信用评价", doc="评级-2", sanctions="", fine="") + ["五星"],
        _general(code, kind="国家公共信用综合评价结果", doc="国评-2", sanctions="", fine="") + [""],
    ]
    result = records_import(content=_csv(rows, headers=headers), file_name="art4.csv", department=fgw)
    assert (result.batch.rows_created, result.batch.rows_rejected) == (5, 2)
    stored = dict(CreditRecord.objects.values_list("document_number", "external_grade"))
    assert stored == {"评级-1": "AA", "评价-1": "不满意", "国评-1": "D", "奖励-1": "", "通报-1": ""}
    assert CreditRecord.objects.get(document_number="通报-1").severity == "general"
    errors = {e.row_number: (e.column, e.message) for e in result.batch.errors.all()}
    assert errors[7][0] == "评定等级" and "五星" in errors[7][1] and "AAA、AA" in errors[7][1]
    assert errors[8][0] == "评定等级"


def test_the_credit_office_edits_a_scale_in_the_admin_and_a_malformed_one_is_refused(
    client, credit_office_user
):
    kind = RecordKind.objects.get(code="public_evaluation")
    client.force_login(credit_office_user)
    url = reverse("admin:records_recordkind_change", args=[kind.pk])
    data = {
        "code": kind.code,
        "name": kind.name,
        "polarity": kind.polarity,
        "default_severity": "",
        "has_external_grade": "on",
        "sort_order": kind.sort_order,
        "is_active": "on",
        "external_grade_choices": '"满意"',
    }
    page = client.post(url, data).content.decode()
    assert "请以列表填写评价结果" in page
    kind.refresh_from_db()
    assert kind.external_grade_choices == ["满意", "基本满意", "不满意"]
    data["external_grade_choices"] = '["非常满意", "满意", "基本满意", "不满意"]'
    assert client.post(url, data).status_code == 302
    kind.refresh_from_db()
    assert kind.external_grade_choices[0] == "非常满意"
