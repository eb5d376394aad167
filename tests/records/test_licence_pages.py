"""Administrative licences in force on the staff subject page and the subject's portal (004 §4(3)):
shown within their validity, with their licence fields; an invalid or expired one is not."""

import pytest
from django.urls import reverse

from tests.factories import make_company, make_resident_id
from tests.objections.conftest import register_linked
from tests.records.conftest import days, licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(db):
    return make_company("西峡县许可页面测试有限公司", rep=(make_resident_id("19660606"), "周法人"))


def _licences(clerk, reviewer, firm):
    licence(
        clerk, reviewer, firm, "西发改许〔2026〕11号", number="XK-0011", authority="西峡县发展和改革委员会"
    )
    licence(clerk, reviewer, firm, "西发改许〔2026〕12号", status="2")
    licence(
        clerk, reviewer, firm, "西发改许〔2024〕13号", decided=-800, valid_from=days(-800), valid_to=days(-1)
    )


def test_the_staff_subject_page_lists_the_licences_in_force(client, clerk, reviewer, other_clerk, firm):
    _licences(clerk, reviewer, firm)
    client.force_login(other_clerk)  # another department's clerk: published information
    text = client.get(reverse("subjects:detail", args=[firm.pk])).content.decode()
    assert "有效期内的行政许可" in text and "西发改许〔2026〕11号" in text and "XK-0011" in text
    assert "西发改许〔2026〕12号" not in text and "西发改许〔2024〕13号" not in text


def test_a_subject_without_licences_shows_no_empty_section(client, clerk, firm):
    client.force_login(clerk)
    assert "有效期内的行政许可" not in client.get(reverse("subjects:detail", args=[firm.pk])).content.decode()


def test_the_portal_shows_the_subjects_own_licences_in_force(client, clerk, reviewer, firm):
    _licences(clerk, reviewer, firm)
    client.force_login(register_linked(firm, "licence-portal"))
    text = client.get(reverse("portal:home")).content.decode()
    section = text.split('id="licences"')[1].split("</section>")[0]
    assert "西发改许〔2026〕11号" in section and "普通" in section
    assert "西发改许〔2026〕12号" not in section and "西发改许〔2024〕13号" not in section


def test_the_subject_page_reads_its_licences_in_a_bounded_number_of_queries(
    client, clerk, reviewer, firm, django_assert_max_num_queries
):
    client.force_login(clerk)
    licence(clerk, reviewer, firm, "西发改许〔2026〕20号")
    url = reverse("subjects:detail", args=[firm.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for n in range(21, 31):
        licence(clerk, reviewer, firm, f"西发改许〔2026〕{n}号")
    with django_assert_max_num_queries(len(few.captured_queries)):
        text = client.get(url).content.decode()
    assert text.count('class="licence-row"') == 11
