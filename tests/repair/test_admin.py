import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "admin:repair_repairapplication_changelist",
        "admin:commitments_commitment_changelist",
        "admin:commitments_commitmenttemplate_changelist",
        "admin:commitments_voluntaryentry_changelist",
    ],
)
def test_the_credit_office_reads_repair_and_commitments_in_the_admin(client, credit_office_user, clerk, name):
    client.force_login(credit_office_user)
    assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse(name.replace("changelist", "add"))).status_code == 403
    client.force_login(clerk)
    assert client.get(reverse(name)).status_code == 302  # department staff work in the pages, not the admin
