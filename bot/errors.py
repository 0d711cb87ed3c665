"""Errors raised by the core; the edges translate them."""


class KyojoError(Exception):
    """Base of the project's own errors."""


class ConfigError(KyojoError):
    """The configuration cannot run (a missing secret in production)."""


class SignatureError(KyojoError):
    """A webhook body's signature is missing or wrong."""


class PayloadError(KyojoError):
    """A webhook body is not what the platform documents."""


class ChannelError(KyojoError):
    """A platform API refused or failed a call; `permanent` when trying again cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class NotAllowedError(KyojoError):
    """The person may not do this (not an admin of the district...)."""


class LedgerError(KyojoError):
    """A transfer would break the time bank's rules."""


class HandlerError(KyojoError):
    """A handler raised while answering an event (its cause is the bug): the job apologises."""


class StaleButtonError(KyojoError):
    """A button's data names nothing its handler can act on (an old or forged button): whatever
    the handler changed is undone and the person is told the button is no longer valid."""
