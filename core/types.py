"""Type aliases shared by the apps' services and selectors, for the type checker only: the imports
below are never run, so core still imports no app (the one exception the layers contract lists)."""

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from accounts.models import User

# Who acts in a service: a signed-in user (views are login-required before they call a service), or
# None for the system (migrations, scheduled tasks, commands), whose rows say "system".
Actor: TypeAlias = "User | None"
