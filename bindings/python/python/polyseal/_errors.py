"""Exception classes: one base with core's stable error code, one subclass per family.

The native module raises these through ``error_for_code``; ``ERROR_CLASSES`` is the one table
from core's error names (docs/ERRORS.md) to classes.
"""

from __future__ import annotations

from typing import ClassVar, Dict, Optional, Type

from ._native import ERROR_CODES


class PolysealError(Exception):
    """Base class of every polyseal error.

    ``code`` is core's stable error name (``"EXPIRED"``, ``"BAD_SEAL"``, ...), ``number`` its
    stable number and ``message`` the human-readable text. Messages never contain secrets or
    token bytes.
    """

    default_code: ClassVar[str] = "INTERNAL"
    code: str
    message: str

    def __init__(self, message: str, code: Optional[str] = None) -> None:
        code = self.default_code if code is None else code
        super().__init__(message, code)
        self.message = message
        self.code = code

    @property
    def number(self) -> int:
        """The code's stable number (``ERROR_CODES[code]``)."""
        return ERROR_CODES[self.code]

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, {self.code!r})"


class InvalidTokenError(PolysealError, ValueError):
    """The token is not one of ours: malformed, an unknown version, or failed authentication."""

    default_code = "BAD_SEAL"


class UnknownKeyError(InvalidTokenError):
    """The token names a key id the keyring does not hold."""

    default_code = "UNKNOWN_KEY"


class ExpiredError(InvalidTokenError):
    """An authentic token outside its validity window: expired, or issued in the future."""

    default_code = "EXPIRED"


class TooLargeError(PolysealError, ValueError):
    """An input or output exceeds a size limit."""

    default_code = "TOO_LARGE"


class InvalidJsonError(PolysealError, ValueError):
    """A payload JSON cannot carry (NaN, too deep, ...), or an authentic token whose payload
    is not valid JSON."""

    default_code = "INVALID_JSON"


class ConfigError(PolysealError, ValueError):
    """A bad password, key, key id, option or cookie setting."""

    default_code = "INVALID_OPTION"


class InvalidArgumentError(PolysealError, TypeError, ValueError):
    """An argument of the wrong type, or a value no call can use (e.g. a naive datetime)."""

    default_code = "INVALID_ARGUMENT"


class SessionClearedError(PolysealError):
    """The session was cleared in this request and can no longer be saved or updated."""

    default_code = "SESSION_CLEARED"


ERROR_CLASSES: Dict[str, Type[PolysealError]] = {
    "MALFORMED": InvalidTokenError,
    "UNSUPPORTED_VERSION": InvalidTokenError,
    "UNKNOWN_KEY": UnknownKeyError,
    "BAD_SEAL": InvalidTokenError,
    "EXPIRED": ExpiredError,
    "NOT_YET_VALID": ExpiredError,
    "TOO_LARGE": TooLargeError,
    "INVALID_JSON": InvalidJsonError,
    "INVALID_PASSWORD": ConfigError,
    "INVALID_OPTION": ConfigError,
    "INVALID_COOKIE": ConfigError,
    "SESSION_CLEARED": SessionClearedError,
    "INVALID_ARGUMENT": InvalidArgumentError,
    "INTERNAL": PolysealError,
}


def error_for_code(code: str, message: str) -> PolysealError:
    """The exception for a core error; a code newer than this table maps to the base class."""
    return ERROR_CLASSES.get(code, PolysealError)(message, code)
