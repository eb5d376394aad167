"""Print the current TOTP code of a base32 secret, as an authenticator app would show it:
``python -m accounts.totp_now SECRET``. For the demo accounts, whose secrets ``load_demo`` prints; it
reads no database and knows no secret of its own."""

import base64
import sys

from django_otp.oath import TOTP


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m accounts.totp_now BASE32_SECRET", file=sys.stderr)
        return 2
    try:
        key = base64.b32decode(argv[0].strip().upper().replace(" ", ""))
    except ValueError:
        print("not a base32 secret", file=sys.stderr)
        return 2
    print(f"{TOTP(key).token():06d}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
