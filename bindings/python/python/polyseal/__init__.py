"""polyseal: seal session data into encrypted, authenticated cookie values.

The same tokens are read and written by polyseal's Rust core, its C library and its Node
package, so servers in different languages share one session byte for byte::

    import polyseal

    keyring = polyseal.Keyring({"k2026": "a-new-password-of-at-least-32-characters!",
                                "k2025": "an-old-password-of-at-least-32-characters"})
    token = polyseal.seal({"user_id": 12345}, keyring, cookie_name="session", ttl=3600)
    data = polyseal.unseal(token, keyring, cookie_name="session")

A :class:`Sealer` keeps a keyring, a format and options together for repeated use; its
``unseal`` returns an :class:`Unsealed` with the key id, times and a ``needs_reseal`` flag.
Times are seconds since the Unix epoch (``int``/``float``, like ``time.time()``) or aware
``datetime`` objects; durations are seconds or ``timedelta``. Every failure raises a
:class:`PolysealError` subclass whose ``code`` is the name in polyseal's error table.

Cookies: :func:`set_cookie`, :func:`delete_cookie` and :func:`parse_cookie_header` write and
read headers with the attributes of a :class:`CookieOptions`; :func:`chunk_set_cookies`,
:func:`chunk_deletion_cookies`, :func:`chunk_state` and :func:`reassemble` spread a large value
over several cookies as h3 or iron-session do. Response cookies always come as a list of
separate ``Set-Cookie`` values, never joined.

Sessions: a :class:`SessionManager` (configured once, shared by every request) loads a
:class:`Session` from a request's ``Cookie`` header (never failing: a refused cookie starts a
new session and ``rejection`` says why), and ``update``/``save``/``clear`` return the
``Set-Cookie`` values to send. Session lifetimes are whole seconds.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from ._errors import (
    ConfigError,
    ExpiredError,
    InvalidArgumentError,
    InvalidJsonError,
    InvalidTokenError,
    PolysealError,
    SessionClearedError,
    TooLargeError,
    UnknownKeyError,
)
from ._native import (
    CHUNK_SCHEMES,
    COOKIE_STYLES,
    DEFAULT_COOKIE_HEADER_LIMIT,
    ERROR_CODES,
    FORMATS,
    MAX_SET_COOKIE_BYTES,
    ChunkState,
    CookieOptions,
    Keyring,
    Sealer,
    Session,
    SessionManager,
    Unsealed,
    __version__,
    chunk_deletion_cookies,
    chunk_set_cookies,
    chunk_state,
    cookie_header_budget,
    delete_cookie,
    imf_fixdate,
    parse_cookie_header,
    reassemble,
    set_cookie,
)
from ._types import (
    ChunkSchemeName,
    CookiePairs,
    CookieStyleName,
    Duration,
    FormatName,
    Instant,
    PriorityName,
    SameSiteName,
)

__all__ = [
    "CHUNK_SCHEMES",
    "COOKIE_STYLES",
    "DEFAULT_COOKIE_HEADER_LIMIT",
    "ERROR_CODES",
    "FORMATS",
    "MAX_SET_COOKIE_BYTES",
    "ChunkSchemeName",
    "ChunkState",
    "ConfigError",
    "CookieOptions",
    "CookiePairs",
    "CookieStyleName",
    "Duration",
    "ExpiredError",
    "FormatName",
    "Instant",
    "InvalidArgumentError",
    "InvalidJsonError",
    "InvalidTokenError",
    "Keyring",
    "PolysealError",
    "PriorityName",
    "SameSiteName",
    "Sealer",
    "Session",
    "SessionClearedError",
    "SessionManager",
    "TooLargeError",
    "UnknownKeyError",
    "Unsealed",
    "__version__",
    "chunk_deletion_cookies",
    "chunk_set_cookies",
    "chunk_state",
    "cookie_header_budget",
    "delete_cookie",
    "imf_fixdate",
    "parse_cookie_header",
    "reassemble",
    "seal",
    "seal_at",
    "set_cookie",
    "unseal",
    "unseal_at",
]


def seal(
    data: object,
    keyring: Keyring,
    *,
    format: FormatName = "native",
    ttl: Optional[Duration] = None,
    cookie_name: str = "",
    context: Union[str, bytes, None] = None,
    skew: Optional[Duration] = None,
    iterations: Optional[int] = None,
    salt_bits: Optional[int] = None,
    localtime_offset: Optional[Duration] = None,
    max_token_chars: Optional[int] = None,
    max_json_bytes: Optional[int] = None,
    max_depth: Optional[int] = None,
    salt_reuse: Optional[Duration] = None,
) -> str:
    """Seals JSON-compatible ``data`` with the keyring's current key; the options are
    :class:`Sealer`'s."""
    return Sealer(
        keyring,
        format=format,
        ttl=ttl,
        cookie_name=cookie_name,
        context=context,
        skew=skew,
        iterations=iterations,
        salt_bits=salt_bits,
        localtime_offset=localtime_offset,
        max_token_chars=max_token_chars,
        max_json_bytes=max_json_bytes,
        max_depth=max_depth,
        salt_reuse=salt_reuse,
    ).seal(data)


def seal_at(
    data: object,
    keyring: Keyring,
    now: Instant,
    *,
    format: FormatName = "native",
    ttl: Optional[Duration] = None,
    cookie_name: str = "",
    context: Union[str, bytes, None] = None,
    skew: Optional[Duration] = None,
    iterations: Optional[int] = None,
    salt_bits: Optional[int] = None,
    localtime_offset: Optional[Duration] = None,
    max_token_chars: Optional[int] = None,
    max_json_bytes: Optional[int] = None,
    max_depth: Optional[int] = None,
    salt_reuse: Optional[Duration] = None,
) -> str:
    """Like :func:`seal`, as if the time were ``now``."""
    return Sealer(
        keyring,
        format=format,
        ttl=ttl,
        cookie_name=cookie_name,
        context=context,
        skew=skew,
        iterations=iterations,
        salt_bits=salt_bits,
        localtime_offset=localtime_offset,
        max_token_chars=max_token_chars,
        max_json_bytes=max_json_bytes,
        max_depth=max_depth,
        salt_reuse=salt_reuse,
    ).seal_at(data, now)


def unseal(
    token: str,
    keyring: Keyring,
    *,
    format: FormatName = "native",
    ttl: Optional[Duration] = None,
    cookie_name: str = "",
    context: Union[str, bytes, None] = None,
    skew: Optional[Duration] = None,
    iterations: Optional[int] = None,
    salt_bits: Optional[int] = None,
    localtime_offset: Optional[Duration] = None,
    max_token_chars: Optional[int] = None,
    max_json_bytes: Optional[int] = None,
    max_depth: Optional[int] = None,
) -> Any:
    """Verifies ``token`` and returns its data; :meth:`Sealer.unseal` also gives the key id,
    the times and ``needs_reseal``."""
    return Sealer(
        keyring,
        format=format,
        ttl=ttl,
        cookie_name=cookie_name,
        context=context,
        skew=skew,
        iterations=iterations,
        salt_bits=salt_bits,
        localtime_offset=localtime_offset,
        max_token_chars=max_token_chars,
        max_json_bytes=max_json_bytes,
        max_depth=max_depth,
    ).unseal(token).data


def unseal_at(
    token: str,
    keyring: Keyring,
    now: Instant,
    *,
    format: FormatName = "native",
    ttl: Optional[Duration] = None,
    cookie_name: str = "",
    context: Union[str, bytes, None] = None,
    skew: Optional[Duration] = None,
    iterations: Optional[int] = None,
    salt_bits: Optional[int] = None,
    localtime_offset: Optional[Duration] = None,
    max_token_chars: Optional[int] = None,
    max_json_bytes: Optional[int] = None,
    max_depth: Optional[int] = None,
) -> Any:
    """Like :func:`unseal`, as if the time were ``now``."""
    return Sealer(
        keyring,
        format=format,
        ttl=ttl,
        cookie_name=cookie_name,
        context=context,
        skew=skew,
        iterations=iterations,
        salt_bits=salt_bits,
        localtime_offset=localtime_offset,
        max_token_chars=max_token_chars,
        max_json_bytes=max_json_bytes,
        max_depth=max_depth,
    ).unseal_at(token, now).data


# Show the public name in reprs and tracebacks (`polyseal.ExpiredError`, not
# `polyseal._errors.ExpiredError`); pickling then finds the classes here too.
for _error_class in (
    PolysealError,
    InvalidTokenError,
    UnknownKeyError,
    ExpiredError,
    TooLargeError,
    InvalidJsonError,
    ConfigError,
    InvalidArgumentError,
    SessionClearedError,
):
    _error_class.__module__ = __name__
del _error_class
