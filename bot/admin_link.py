"""Passwordless login for district admins: a signed link that expires after 15 minutes."""
from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bot.config import Config
from bot.errors import NotAllowedError

SALT = "kyojo-admin-login"
LIFETIME_SECONDS = 15 * 60
LOGIN_PATH = "/admin/login/"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def make_token(secret_key: str, resident_id: int) -> str:
    """A token naming the admin, signed with the app's secret key."""
    return _serializer(secret_key).dumps({"admin": resident_id})


def read_token(secret_key: str, token: str) -> int:
    """The admin's resident id; NotAllowedError if the token is forged or older than 15 minutes."""
    try:
        data = _serializer(secret_key).loads(token, max_age=LIFETIME_SECONDS)
    except SignatureExpired as error:
        raise NotAllowedError("the login link has expired") from error
    except BadSignature as error:
        raise NotAllowedError("the login link is not valid") from error
    if not isinstance(data, dict) or not isinstance(data.get("admin"), int):
        raise NotAllowedError("the login link is not valid")
    return data["admin"]


def login_url(config: Config, resident_id: int) -> str:
    """The full link an admin opens, on the configured public address."""
    base = config.public_url.rstrip("/")
    return f"{base}{LOGIN_PATH}{make_token(config.secret_key, resident_id)}"
