"""Type aliases shared by the public API and the native module's stub."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, Union

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
