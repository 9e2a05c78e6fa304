"""Type aliases shared by the public API and the native module's stub."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, Literal, Mapping, Tuple, Union

# Spelled as a Union of Literals (the same type to a checker) so that stubtest sees a Union at
# run time too.
FormatName = Union[
    Literal["native"], Literal["h3-v1"], Literal["h3-v2"], Literal["iron-session"], Literal["iron"]
]
"""A wire format's name; ``polyseal.FORMATS`` lists them at run time."""

Instant = Union[int, float, datetime]
"""A point in time: seconds since the Unix epoch (like ``time.time()``) or an aware datetime."""

Duration = Union[int, float, timedelta]
"""A span of time: seconds, or a timedelta."""

Secret = Union[str, bytes, bytearray]
"""A password of at least 32 characters, or a raw 32-byte key."""

CookieStyleName = Union[
    Literal["polyseal"], Literal["h3-v1"], Literal["h3-v2"], Literal["iron-session"]
]
"""How a ``Set-Cookie`` line is written; ``polyseal.COOKIE_STYLES`` lists them at run time."""

ChunkSchemeName = Union[Literal["none"], Literal["h3"], Literal["iron-session"]]
"""How a large value is spread over cookies; ``polyseal.CHUNK_SCHEMES`` lists them."""

SameSiteName = Union[
    Literal["Strict"], Literal["Lax"], Literal["None"],
    Literal["strict"], Literal["lax"], Literal["none"],
]
"""A ``SameSite`` value, written ``Strict``/``Lax``/``None`` (at run time any letter case is
accepted)."""

PriorityName = Union[
    Literal["Low"], Literal["Medium"], Literal["High"],
    Literal["low"], Literal["medium"], Literal["high"],
]
"""A ``Priority`` value, written ``Low``/``Medium``/``High`` (at run time any letter case is
accepted)."""

CookiePairs = Union[Mapping[str, str], Iterable[Tuple[str, str]]]
"""A request's cookies: ``parse_cookie_header``'s pairs (order and duplicates kept) or a
mapping of names to values."""
