"""The public search by part of a name (SPEC §7) reads the trigram index on PostgreSQL (subjects
migrations 0010/0011) instead of every subject; SQLite, the embedded default, finds the same."""

import pytest
from django.db import connection

from public.selectors import public_subjects_search
from tests.factories import make_company

pytestmark = pytest.mark.django_db


def test_a_part_of_a_name_finds_the_subjects_that_have_it():
    wanted = make_company(name="西峡县宛西制药有限公司")
    make_company(name="西峡县龙成冶材有限公司")
    assert list(public_subjects_search(q="宛西制药")) == [wanted]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_the_search_uses_the_trigram_index():
    for i in range(50):
        make_company(name=f"西峡县测试企业{i}有限公司")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE subjects_subject")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small would be read whole anyway
        # The paginator's count (the page then sorts the few subjects found).
        sql, params = public_subjects_search(q="测试企业17").order_by().query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "subjects_subject_name_upper_trgm" in plan
