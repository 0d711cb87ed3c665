"""Passwordless login for district admins: a signed link that works once, within 15 minutes."""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bot.config import Config
from bot.errors import NotAllowedError

SALT = "kyojo-admin-login"
LIFETIME_SECONDS = 15 * 60
LOGIN_PATH = "/admin/login/"
LARGEST_ID = 2**31 - 1  # the database's integer ids


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def make_token(secret_key: str, resident_id: int) -> str:
    """A token naming the admin and the link itself (it opens one session), signed with the app's key."""
    return _serializer(secret_key).dumps({"admin": resident_id, "link": secrets.token_urlsafe(16)})


def read_token(secret_key: str, token: str) -> tuple[int, str]:
    """The admin's resident id and the link's id; NotAllowedError if the token is forged,
    older than 15 minutes or names no possible admin."""
    try:
        data = _serializer(secret_key).loads(token, max_age=LIFETIME_SECONDS)
    except SignatureExpired as error:
        raise NotAllowedError("the login link has expired") from error
    except BadSignature as error:
        raise NotAllowedError("the login link is not valid") from error
    admin, link = (data.get("admin"), data.get("link")) if isinstance(data, dict) else (None, None)
    if type(admin) is not int or not 0 < admin <= LARGEST_ID or not isinstance(link, str) or not 0 < len(link) <= 64:
        raise NotAllowedError("the login link is not valid")
    return admin, link


def login_url(config: Config, resident_id: int) -> str:
    """The full link an admin opens, on the configured public address."""
    base = config.public_url.rstrip("/")
    return f"{base}{LOGIN_PATH}{make_token(config.secret_key, resident_id)}"
