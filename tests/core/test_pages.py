"""``core.pages.FirstPagePaginator``: the first page of a search that fits on it is counted from its
rows, without a ``COUNT(*)`` query; every other page counts as Django's paginator does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pages import FirstPagePaginator
from subjects.models import Subject
from tests.factories import make_company

pytestmark = pytest.mark.django_db


def firms(n: int):
    for i in range(n):
        make_company(f"西峡县分页测试{i:02d}号有限公司")
    return Subject.objects.filter(name__startswith="西峡县分页测试").order_by("name")


def counted(queries) -> bool:
    return any("COUNT(" in q["sql"].upper() for q in queries)


@pytest.mark.parametrize("n", [0, 1, 5])
def test_a_first_page_that_holds_everything_is_counted_from_its_rows(n):
    subjects = firms(n)
    with CaptureQueriesContext(connection) as ctx:
        page = FirstPagePaginator(subjects, 5).get_page(None)
        names = [s.name for s in page]
        assert page.paginator.count == n and page.paginator.num_pages == 1 and not page.has_next()
    assert names == [f"西峡县分页测试{i:02d}号有限公司" for i in range(n)]
    assert len(ctx.captured_queries) == 1 and not counted(ctx.captured_queries)


def test_a_full_first_page_is_counted_and_the_next_pages_are_read_as_usual():
    subjects = firms(12)
    with CaptureQueriesContext(connection) as ctx:
        page = FirstPagePaginator(subjects, 5).get_page("1")
        assert [s.name[-7:] for s in page] == [f"{i:02d}号有限公司" for i in range(5)]
        assert page.has_next() and page.paginator.count == 12 and page.paginator.num_pages == 3
    assert counted(ctx.captured_queries)
    second = FirstPagePaginator(subjects, 5).get_page("2")
    assert [s.name[-7:] for s in second] == [f"{i:02d}号有限公司" for i in range(5, 10)]
    last = FirstPagePaginator(subjects, 5).get_page("3")
    assert len(last) == 2 and not last.has_next() and last.start_index() == 11


@pytest.mark.parametrize("number", ["x", "0", "99", None])
def test_a_page_number_out_of_range_falls_back_as_in_django(number):
    subjects = firms(7)
    page = FirstPagePaginator(subjects, 5).get_page(number)
    expected = 2 if number in ("0", "99") else 1  # Django: an empty page gives the last
    assert page.number == expected and page.paginator.count == 7
