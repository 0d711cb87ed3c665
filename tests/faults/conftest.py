"""The fault suite shares the LINE channel's fixtures: the app on the fake LINE API, signed posts."""
from tests.channels.conftest import line_app, post  # noqa: F401  (fixtures)
