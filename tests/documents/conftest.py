# The reminder tests' fixture: an effective record through the real intake, its reminders due.
from tests.reminders.conftest import make_effective  # noqa: F401
