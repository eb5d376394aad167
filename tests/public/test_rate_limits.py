"""Rate limits of every anonymous page and API keyed on the real client address (SPEC §6, issue 13):
a forged X-Forwarded-For buys no budget, trusted proxies are honoured, logged-in staff are not limited,
and look-ups by identity number have a low budget of their own shared by pages and API."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from core.http import client_rate_key as client_address
from tests.factories import make_company, make_person, make_resident_id, make_user

pytestmark = pytest.mark.django_db

API = "/api/public/subjects/"


@pytest.fixture
def rates(settings):
    """Small budgets, so a test reaches them in a few requests."""

    def set_rates(api="3/minute", pages="3/minute", identity="100/minute"):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"public_api": api, "public_pages": pages, "public_identity": identity},
        }

    set_rates()
    return set_rates


def forged(n: int) -> dict:
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}


@pytest.mark.parametrize(
    "url",
    [
        "/public/",
        "/public/red-list/",
        "/public/black-list/",
        "/commitments/public/",
        API + "?q=公开查询有限公司",
    ],
)
def test_a_forged_forwarded_for_does_not_escape_the_limit(rates, url):
    make_company("西峡县公开查询有限公司")
    client = Client()
    statuses = [client.get(url, **forged(n)).status_code for n in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]


def test_the_public_commitments_list_is_rate_limited(rates):
    client = Client()
    assert [client.get("/commitments/public/").status_code for _ in range(3)] == [200] * 3
    response = client.get("/commitments/public/", {"q": "材料"})
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()


def test_trusted_proxies_give_the_address_they_saw(rates, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    # Behind one proxy the client is the last entry; what a client wrote to the left is ignored.
    first = [
        client.get("/public/", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.7").status_code for n in range(4)
    ]
    assert first == [200, 200, 200, 429]
    # Another client behind the same proxy (the same REMOTE_ADDR) has its own budget.
    assert client.get("/public/", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_client_address_reads_only_what_trusted_proxies_wrote(rf, settings):
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5, 10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "192.0.2.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request) == "203.0.113.5"
    # Fewer entries than trusted proxies: the request did not pass them all; the peer is the client.
    settings.TRUSTED_PROXY_COUNT = 5
    assert client_address(request) == "192.0.2.1"
    # Garbage where an address should be is never a key of its own.
    settings.TRUSTED_PROXY_COUNT = 1
    junk = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(junk) == "192.0.2.1"


def test_ipv6_clients_count_per_64_network(rf):
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    elsewhere = rf.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert client_address(one) == client_address(other) == "2001:db8:1:2::/64"
    assert client_address(elsewhere) != client_address(one)


@pytest.mark.parametrize("role", [Role.CLERK, Role.REVIEWER, Role.CREDIT_OFFICE])
def test_logged_in_staff_are_not_limited_by_address(rates, role):
    make_company("西峡县公开查询有限公司")
    department = "xyb" if role == Role.CREDIT_OFFICE else "fgw"
    client = Client()
    client.force_login(make_user(role, department))
    for url in ("/public/", "/public/black-list/", "/commitments/public/", API + "?q=公开查询"):
        assert [client.get(url).status_code for _ in range(5)] == [200] * 5, url
    # A staff API token counts as staff too; the anonymous neighbour on the same address is limited.
    token = Token.objects.create(user=make_user(role, department))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert [api.get(API, {"q": "公开查询"}).status_code for _ in range(5)] == [200] * 5
    assert [Client().get("/public/").status_code for _ in range(4)][-1] == 429


def test_subject_users_and_bad_tokens_are_limited(rates):
    firm = make_company("西峡县公开查询有限公司")
    client = Client()
    client.force_login(make_user(Role.SUBJECT, None, subject=firm))
    assert [client.get("/public/").status_code for _ in range(4)] == [200, 200, 200, 429]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert [api.get(API, {"q": "公开查询"}).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_identity_number_look_ups_have_their_own_budget_across_pages_and_api(rates):
    rates(api="100/minute", pages="100/minute", identity="4/minute")
    person = make_person("周九")
    firm = make_company("西峡县公开查询有限公司")
    api, web = APIClient(), Client()
    guesses = [make_resident_id("19800202") for _ in range(3)]
    statuses = [
        api.get(f"{API}{person.code}/").status_code,
        api.get(API, {"q": guesses[0]}).status_code,
        web.post("/public/", {"q": guesses[1]}).status_code,
        web.get(f"/public/subjects/{guesses[2]}/").status_code,
    ]
    assert statuses == [200, 200, 200, 404]
    # The fifth number from this address, by any path, is refused — found or not, forged header or not.
    assert api.get(f"{API}{person.code}/", **forged(1)).status_code == 429
    assert web.post("/public/", {"q": person.code}).status_code == 429
    assert api.get(API, {"q": make_resident_id("19900303")}).status_code == 429
    # Organisations and names are not identity numbers: their look-ups go on.
    assert api.get(f"{API}{firm.code}/").status_code == 200
    assert web.get("/public/", {"q": "公开查询"}).status_code == 200
    # A malformed number tests nothing (400 before the registry is read) and is not counted.
    wrong_check = person.code[:-1] + ("1" if person.code[-1] != "1" else "2")
    assert api.get(f"{API}{wrong_check}/").status_code == 400


def test_the_default_identity_budget_is_about_typing_speed(settings):
    from django.conf import settings as live

    rate = live.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["public_identity"]
    count, period = rate.split("/")
    assert period == "minute" and int(count) <= 10
