"""The public look-up API (SPEC §7): published information only, natural persons masked and found only
by the full number, JSON errors, a rate limit and bounded queries."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from core.masking import mask_resident_id
from records.services import record_repair
from records.validation import RecordInput
from subjects.identifiers import validate_uscc
from tests.factories import make_company, make_person, make_uscc

from .conftest import days_ago, effective_record

pytestmark = pytest.mark.django_db

LIST = "/api/public/subjects/"


def detail(code: str) -> str:
    return f"{LIST}{code}/"


def publish_grades() -> None:
    call_command(
        "yearly_run",
        as_of=timezone.localdate().isoformat(),
        scheme="public",
        publish=True,
        stdout=io.StringIO(),
    )


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def firm(db):
    return make_company("西峡县公开查询测试建筑有限公司")


def test_detail_shows_published_grades_and_records_published_today(api, firm, clerk, reviewer):
    shown = effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕7号")
    # Decided long ago: its publication period (general: 12 months) is over, even if not expired yet.
    effective_record(
        clerk,
        reviewer,
        firm,
        document_number="西发改罚〔2024〕1号",
        decision_date=days_ago(400),
        matter="旧事",
    )
    repaired = effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕8号", matter="已修复")
    record_repair(actor=reviewer, record=repaired, reason="整改完毕")
    before_publication = api.get(detail(firm.code)).json()
    assert before_publication["grades"] == []  # not graded yet: the regrade runs after the commit
    publish_grades()

    response = api.get(detail(firm.code))

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["code"], body["name"], body["kind"]) == (firm.code, firm.name, "legal_person")
    [grade] = body["grades"]
    # General dishonesty → C or C- (SPEC §3.2), as of the run's date.
    assert grade["scheme"] == "public" and grade["grade"] in ("C", "C-")
    assert grade["as_of"] == timezone.localdate().isoformat()
    assert [r["document_number"] for r in body["records"]] == ["西发改罚〔2026〕7号"]
    record = body["records"][0]
    assert record["kind"] == "administrative_penalty"
    assert record["decision_date"] == shown.decision_date.isoformat()
    assert record["publish_until"] == shown.publish_until.isoformat()
    assert body["lists"] == []


def test_published_grade_is_the_run_grade(api, firm, clerk, reviewer):
    effective_record(clerk, reviewer, firm)
    publish_grades()
    from grading.models import Grade

    official = Grade.objects.get(subject=firm, published=True)
    body = api.get(detail(firm.code)).json()
    assert body["grades"] == [
        {
            "id": official.pk,
            "scheme": "public",
            "scheme_name": official.scheme.name,
            "department": None,
            "department_name": None,
            "grade": official.grade,
            "as_of": official.as_of.isoformat(),
        }
    ]


def test_complainant_data_is_never_published(api, firm, clerk, reviewer):
    from records.services import record_approve, record_create, record_submit

    complaint = record_create(
        actor=clerk,
        subject=firm,
        data=RecordInput(
            kind="投诉举报",
            document_number="投诉〔2026〕3号",
            decision_date=days_ago(5),
            matter="噪声扰民",
            complainant_name="李举报",
            complainant_contact="13800000000",
        ),
    )
    record_submit(actor=clerk, record=complaint)
    record_approve(actor=reviewer, record=complaint)
    response = api.get(detail(firm.code))
    text = response.content.decode()
    assert response.status_code == 200
    assert "李举报" not in text and "13800000000" not in text and "投诉〔2026〕3号" not in text


def test_search_by_part_of_the_name_finds_organisations_not_persons(api, clerk, reviewer):
    firm = make_company("西峡县张三建材有限公司")
    make_person(name="张三")
    response = api.get(LIST, {"q": "张三"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and [r["code"] for r in body["results"]] == [firm.code]


def test_a_natural_person_is_found_by_the_full_number_and_shown_masked(api, clerk, reviewer):
    person = make_person(name="王五")
    effective_record(clerk, reviewer, person, document_number="西发改罚〔2026〕21号")
    masked = mask_resident_id(person.code)
    for response in (api.get(LIST, {"q": person.code.lower()}), api.get(detail(person.code))):
        assert response.status_code == 200
        text = response.content.decode()
        assert person.code not in text and masked in text
    body = api.get(detail(person.code)).json()
    assert body["code"] == masked == person.code[:6] + "********" + person.code[-4:]
    assert body["kind"] == "natural_person"
    assert [r["document_number"] for r in body["records"]] == ["西发改罚〔2026〕21号"]
    # Part of the number finds nothing, and neither does the name.
    assert api.get(LIST, {"q": person.code[:10]}).json()["count"] == 0
    assert api.get(LIST, {"q": "王五"}).json()["count"] == 0


def test_unknown_code_answers_404_json(api):
    response = api.get(detail(make_uscc()))
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "没有以此代码登记的信用主体。"}


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("ABC", "18"),
        ("91411323MA9XXXXXX1", "不是有效的代码"),
        ("41132319800101001", "18"),
    ],
)
def test_malformed_code_answers_400_json_with_a_chinese_message(api, code, words):
    response = api.get(detail(code))
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert words in response.json()["detail"]


def _valid_uscc(code: str) -> bool:
    try:
        validate_uscc(code)
    except ValidationError:
        return False
    return True


def test_wrong_check_character_is_named(api, firm):
    wrong = firm.code[:17] + ("0" if firm.code[17] != "0" else "1")
    response = api.get(detail(wrong))
    assert response.status_code == 400
    assert "第18位校验码应为" in response.json()["detail"]
    person = make_person()
    # A wrong check character that does not by chance make a valid unified social credit code (an
    # all-digit string can satisfy both checksums; the search would then look for an organisation).
    wrong = next(
        candidate
        for candidate in (person.code[:17] + c for c in "0123456789X" if c != person.code[17])
        if not _valid_uscc(candidate)
    )
    response = api.get(LIST, {"q": wrong})
    assert response.status_code == 400 and "第18位校验码应为" in response.json()["detail"]


@pytest.mark.parametrize(("q", "words"), [("", "请输入"), ("张", "至少")])
def test_empty_or_too_short_text_answers_400(api, q, words):
    response = api.get(LIST, {"q": q})
    assert response.status_code == 400 and words in response.json()["detail"]


def test_rate_limit_answers_429_json(api, firm, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_api": "3/minute", "public_pages": "3/minute"},
    }
    statuses = [api.get(detail(firm.code)).status_code for _ in range(3)]
    response = api.get(LIST, {"q": "公开查询"})
    assert statuses == [200, 200, 200]
    assert response.status_code == 429 and response["Content-Type"] == "application/json"
    assert "查询过于频繁" in response.json()["detail"] and int(response["Retry-After"]) > 0
    # Another address still has its budget.
    assert api.get(detail(firm.code), REMOTE_ADDR="10.0.0.9").status_code == 200


def test_search_and_detail_queries_are_bounded(api, clerk, reviewer, django_assert_max_num_queries):
    firms = [make_company(f"西峡县有界查询{i}号有限公司") for i in range(6)]
    for i, firm in enumerate(firms):
        effective_record(clerk, reviewer, firm, document_number=f"西发改罚〔2026〕{100 + i}号")
        effective_record(
            clerk, reviewer, firm, document_number=f"西发改罚〔2026〕{200 + i}号", matter="另一事"
        )
    publish_grades()
    # One of them the day's look for department listings due (SPEC §3.6), once a day; no COUNT(*) for
    # a search whose first page holds every subject found.
    with django_assert_max_num_queries(5):
        body = api.get(LIST, {"q": "有界查询"}).json()
    assert body["count"] == 6 and all(len(r["records"]) == 2 and r["grades"] for r in body["results"])
    with django_assert_max_num_queries(4):
        assert api.get(detail(firms[0].code)).status_code == 200


def test_a_search_finding_more_than_a_page_counts_them_all(api):
    for i in range(21):
        make_company(f"西峡县翻页查询{i:02d}号有限公司")
    first = api.get(LIST, {"q": "翻页查询"}).json()
    assert first["count"] == 21 and len(first["results"]) == 20 and first["previous"] is None
    assert "page=2" in first["next"]
    second = api.get(LIST, {"q": "翻页查询", "page": 2}).json()
    assert second["count"] == 21 and [r["name"] for r in second["results"]] == ["西峡县翻页查询20号有限公司"]
    assert second["next"] is None
    exactly_one_page = api.get(LIST, {"q": "翻页查询0"}).json()
    assert exactly_one_page["count"] == 10 and exactly_one_page["next"] is None


def black(actor, subject, **extra):
    from measures.services import list_entry_add

    values = {
        "list_type": "black",
        "subject": subject,
        "reason": "拒不履行生效判决",
        "authority": "西峡县人民法院",
        "listed_on": days_ago(3),
    } | extra
    return list_entry_add(actor=actor, **values)


def test_list_memberships_in_force_are_shown(api, firm, credit_office_user):
    from measures.services import list_entry_add, list_entry_remove

    clean_firm = make_company("西峡县诚信示范有限公司")
    entry = black(credit_office_user, firm)
    ended = black(credit_office_user, firm, authority="南阳市发展和改革委员会", listed_on=days_ago(40))
    list_entry_remove(actor=credit_office_user, entry=ended, removed_on=days_ago(1), reason="已履行")
    list_entry_add(
        actor=credit_office_user,
        list_type="red",
        subject=clean_firm,
        reason="诚信经营典型",
        authority="西峡县信用办",
        listed_on=days_ago(2),
    )
    body = api.get(detail(firm.code)).json()
    assert body["lists"] == [
        {
            "list_type": "black",
            "list_name": "联合惩戒（黑）名单",
            "reason": "拒不履行生效判决",
            "authority": "西峡县人民法院",
            "level": "county",
            "listed_on": entry.listed_on.isoformat(),
            # The deciding department: the credit office for the county's joint list (SPEC §3.6).
            "scope": "joint",
            "department": "xyb",
            "department_name": entry.department.name,
            "listed_until": None,
        }
    ]
    red = api.get(detail(clean_firm.code)).json()["lists"]
    assert [(e["list_type"], e["authority"]) for e in red] == [("red", "西峡县信用办")]


def test_a_browser_asking_for_html_gets_json_too(api, firm):
    for url in (detail(firm.code), detail("bad"), detail(make_uscc())):
        response = api.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml")
        assert response["Content-Type"] == "application/json"
        assert response.json()
