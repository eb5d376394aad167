"""Public pages: no login, Chinese, published information only, natural persons masked, rate limited,
bounded queries."""

import pytest
from django.test import Client

from core.masking import mask_resident_id
from records.services import record_repair
from tests.factories import make_company, make_person, make_uscc

from .conftest import effective_record
from .test_api import black, publish_grades

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    return Client()


def test_lookup_page_opens_without_login_in_chinese(web):
    response = web.get("/public/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "信用查询" in text and "诚信红榜" in text and "联合惩戒（黑）名单" in text


def test_search_by_name_lists_organisations_with_links(web):
    firm = make_company("西峡县页面查询建材有限公司")
    make_person("页面查询")
    response = web.get("/public/", {"q": "页面查询"})
    text = response.content.decode()
    assert response.status_code == 200
    assert f'href="/public/subjects/{firm.code}/"' in text
    assert text.count('href="/public/subjects/') == 1


def test_subject_page_shows_published_information(web, clerk, reviewer, credit_office_user):
    firm = make_company("西峡县页面公示测试有限公司")
    effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕31号", matter="未按规定明码标价")
    repaired = effective_record(
        clerk, reviewer, firm, document_number="西发改罚〔2026〕32号", matter="已修复事项"
    )
    record_repair(actor=reviewer, record=repaired, reason="整改完毕")
    publish_grades()
    black(credit_office_user, firm)
    response = web.get(f"/public/subjects/{firm.code}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "西发改罚〔2026〕31号" in text and "未按规定明码标价" in text
    assert "西发改罚〔2026〕32号" not in text
    from grading.models import Grade

    official = Grade.objects.get(subject=firm, published=True)
    assert "生效的信用等级" in text and official.scheme.name in text
    assert f'<strong class="grade">{official.grade}</strong>' in text
    assert "拒不履行生效判决" in text and "西峡县人民法院" in text


def test_a_posted_name_comes_back_as_an_address_to_bookmark_and_a_number_never_does(web):
    firm = make_company("西峡县书签查询建材有限公司")
    person = make_person("书签查询")
    response = web.post("/public/", {"q": "书签查询"})
    assert (
        response.status_code == 302
        and response["Location"] == "/public/?q=%E4%B9%A6%E7%AD%BE%E6%9F%A5%E8%AF%A2"
    )
    assert firm.name in web.get(response["Location"]).content.decode()
    # Without any script on the page: a number, whole or in part, is answered in place.
    for typed in (person.code, person.code[:10], f"书签{person.code[6:14]}"):
        answered = web.post("/public/", {"q": typed})
        assert answered.status_code in (200, 400) and "Location" not in answered


def test_a_natural_person_by_full_number_is_shown_masked(web, clerk, reviewer):
    person = make_person("吴七")
    effective_record(clerk, reviewer, person, document_number="西发改罚〔2026〕41号")
    for response in (web.post("/public/", {"q": person.code}), web.get("/public/", {"q": person.code})):
        text = response.content.decode()
        assert response.status_code == 200 and "吴七" in text and "西发改罚〔2026〕41号" in text
        assert person.code not in text and mask_resident_id(person.code) in text
    assert "吴七" not in web.get("/public/", {"q": "吴七"}).content.decode().split("</form>")[1]


def test_bad_and_unknown_codes(web):
    response = web.get("/public/subjects/12345/")
    assert response.status_code == 400 and "应为18位" in response.content.decode()
    assert web.get(f"/public/subjects/{make_uscc()}/").status_code == 404
    response = web.get("/public/", {"q": "张"})
    assert response.status_code == 400 and "至少" in response.content.decode()


def test_black_list_page_masks_natural_persons(web, credit_office_user):
    firm = make_company("西峡县黑名单测试有限公司")
    person = make_person("郑八")
    black(credit_office_user, firm)
    black(credit_office_user, person, reason="失信被执行人")
    response = web.get("/public/black-list/")
    text = response.content.decode()
    assert response.status_code == 200
    assert firm.name in text and firm.code in text and "郑八" in text
    # The list never shows the 6+4 mask a look-up could complete (issue 13): the region only.
    assert person.code not in text and mask_resident_id(person.code) not in text
    assert person.code[-4:] not in text and person.code[:6] + "*" * 12 in text
    red = web.get("/public/red-list/").content.decode()
    assert firm.name not in red and "名单为空" in red


def test_pages_are_rate_limited(web, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_api": "100/minute", "public_pages": "2/minute"},
    }
    assert [web.get("/public/").status_code for _ in range(2)] == [200, 200]
    response = web.get("/public/red-list/")
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()


def test_page_queries_are_bounded(web, credit_office_user, clerk, reviewer, django_assert_max_num_queries):
    firms = [make_company(f"西峡县页面有界{i}号有限公司") for i in range(8)]
    for i, firm in enumerate(firms):
        black(credit_office_user, firm)
        effective_record(clerk, reviewer, firm, document_number=f"西发改罚〔2026〕{300 + i}号")
    with django_assert_max_num_queries(4):
        assert web.get("/public/black-list/").status_code == 200
    # The subjects found, and no COUNT(*): the first page holds them all.
    with django_assert_max_num_queries(1):
        response = web.get("/public/", {"q": "页面有界"})
    assert response.status_code == 200 and "共找到 8 个主体" in response.content.decode()
    with django_assert_max_num_queries(5):
        assert web.get(f"/public/subjects/{firms[0].code}/").status_code == 200


def test_the_lookup_form_posts_without_a_session(clerk, reviewer):
    person = make_person("陈十")
    effective_record(clerk, reviewer, person, document_number="西发改罚〔2026〕51号")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/public/", {"q": person.code})
    assert response.status_code == 200 and "西发改罚〔2026〕51号" in response.content.decode()
    assert strict.put("/public/").status_code == 405
