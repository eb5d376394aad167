"""Administrative licences on the public look-up (SPEC §7, 004 §4(3)): a valid licence within its
validity is published (page and API, the API's ``records`` keeping its shape); an expired one, an
invalid one (当前状态 无效) and one not yet approved are not."""

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from records.services import records_expire_due
from tests.factories import make_company
from tests.records.conftest import days, licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(db):
    return make_company("西峡县许可公示测试有限公司")


@pytest.fixture
def licences(clerk, reviewer, firm):
    return {
        "valid": licence(clerk, reviewer, firm, "西发改许〔2026〕1号", number="XK-0001"),
        "expired": licence(
            clerk,
            reviewer,
            firm,
            "西发改许〔2024〕2号",
            decided=-800,
            valid_from=days(-800),
            valid_to=days(-5),
        ),
        "invalid": licence(clerk, reviewer, firm, "西发改许〔2026〕3号", status="2"),
        "draft": licence(clerk, reviewer, firm, "西发改许〔2026〕4号", approve=False),
    }


def test_the_api_lists_only_the_valid_licence_in_the_same_shape(firm, licences):
    answer = APIClient().get(f"/api/public/subjects/{firm.code}/").json()
    assert [r["document_number"] for r in answer["records"]] == ["西发改许〔2026〕1号"]
    entry = answer["records"][0]
    assert set(entry) == {"document_number", "kind", "kind_name", "decision_date", "publish_until"}
    assert entry["kind"] == "administrative_licence" and entry["kind_name"] == "行政许可"
    assert entry["publish_until"] == days(365).isoformat()  # until 有效期至
    assert licences["invalid"].publish_until is None and licences["invalid"].status == "effective"


def test_the_page_shows_the_licence_fields_of_the_valid_licence_only(firm, licences):
    text = Client().get(f"/public/subjects/{firm.code}/").content.decode()
    assert "西发改许〔2026〕1号" in text and "XK-0001" in text and "行政许可" in text
    for hidden in ("西发改许〔2024〕2号", "西发改许〔2026〕3号", "西发改许〔2026〕4号"):
        assert hidden not in text


def test_a_licence_leaves_publication_when_its_validity_ends(firm, licences):
    expired = licences["expired"]
    assert records_expire_due() == 1
    expired.refresh_from_db()
    assert expired.status == "expired"
    # The day after 有效期至 the valid one is gone too.
    later = APIClient()
    valid = licences["valid"]
    from public.selectors import records_published_on

    assert list(records_published_on(day=valid.licence_valid_to, subject_ids=[firm.pk])) == [valid]
    assert not records_published_on(
        day=valid.licence_valid_to + datetime.timedelta(days=1), subject_ids=[firm.pk]
    )
    assert later.get(f"/api/public/subjects/{firm.code}/").status_code == 200
