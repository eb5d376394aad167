"""Rate limits of the public pages and API (SPEC §6): each real client address (``creditreg.ratelimit``:
``REMOTE_ADDR``, or what the trusted proxies say, never a header a client can forge) gets a budget per
period — settings ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, environment ``CREDITREG_PUBLIC_API_RATE``,
``CREDITREG_PUBLIC_PAGES_RATE`` and ``CREDITREG_PUBLIC_IDENTITY_RATE``. Logged-in staff are not limited.

A look-up by a natural person's identity number has a budget of its own, shared by the pages and the
API and far lower (default 6 a minute, about as fast as a person types 18 characters): SPEC §6, "no
public page or API lets anyone test whether an identity number is registered faster than a person
could type". Each well-formed identity number asked about counts, found or not."""

from creditreg.ratelimit import AddressRateThrottle


class PublicRateThrottle(AddressRateThrottle):
    scope = "public_api"


class PublicPagesThrottle(AddressRateThrottle):
    scope = "public_pages"


class PublicIdentityThrottle(AddressRateThrottle):
    scope = "public_identity"
