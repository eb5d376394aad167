import pytest

from .fake_platform import FakePlatform

SECRET = "platform-shared-secret-for-tests"


@pytest.fixture
def platform(settings):
    """The fake platform on 127.0.0.1, and settings pointing the HTTP transport at it."""
    fake = FakePlatform(SECRET).start()
    settings.EXCHANGE_TRANSPORT = "http"
    settings.EXCHANGE_HTTP_URL = fake.url
    settings.EXCHANGE_HTTP_SECRET = SECRET
    settings.EXCHANGE_HTTP_TIMEOUT_SECONDS = 1.0
    try:
        yield fake
    finally:
        fake.stop()
