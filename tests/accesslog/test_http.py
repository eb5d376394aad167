"""The client address: REMOTE_ADDR unless trusted proxies are configured; a forged header never wins."""

from django.test import RequestFactory, override_settings

from core.http import client_address

rf = RequestFactory()


def test_without_trusted_proxies_the_forwarded_header_is_ignored():
    request = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_address(request) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_trusted_proxy_gives_the_address_it_appended_not_what_the_client_wrote():
    # The client wrote 198.51.100.1; our proxy appended the address it saw, 203.0.113.9.
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert client_address(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies_and_too_few_or_bad_entries_fall_back_to_the_peer():
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9, 10.0.0.1")
    assert client_address(request) == "203.0.113.9"
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.0.0.1")) == "10.0.0.2"
    bad = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>, 10.0.0.1")
    assert client_address(bad) == "10.0.0.2"
