# Hand-written stub of the native module; `python -m mypy.stubtest polyseal` checks it.

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Literal, Union, final

from ._errors import PolysealError
from ._types import (
    ChunkSchemeName,
    CookiePairs,
    CookieStyleName,
    Duration,
    FormatName,
    Instant,
    PriorityName,
    SameSiteName,
    Secret,
)

__all__ = [
    "CHUNK_SCHEMES",
    "COOKIE_STYLES",
    "ChunkState",
    "CookieOptions",
    "DEFAULT_COOKIE_HEADER_LIMIT",
    "ERROR_CODES",
    "FORMATS",
    "Keyring",
    "MAX_SET_COOKIE_BYTES",
    "Sealer",
    "Session",
    "SessionManager",
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
    "set_cookie",
]

__version__: str
ERROR_CODES: dict[str, int]
FORMATS: tuple[str, ...]
COOKIE_STYLES: tuple[str, ...]
CHUNK_SCHEMES: tuple[str, ...]
MAX_SET_COOKIE_BYTES: int
DEFAULT_COOKIE_HEADER_LIMIT: int

@final
class Keyring:
    """Secrets with ids; the current one seals, every one unseals."""

    def __new__(
        cls,
        secret_or_entries: Union[Secret, Mapping[str, Union[Secret, Mapping[str, Secret]]]],
        *,
        current: str | None = None,
        derived_key_cache: int | None = None,
    ) -> Keyring: ...
    @property
    def ids(self) -> tuple[str, ...]: ...
    @property
    def current(self) -> str: ...
    def derived_key_cache_stats(self) -> dict[str, int]: ...
    def __len__(self) -> int: ...

@final
class Sealer:
    """A keyring, a format and options, configured once: seals and unseals tokens."""

    def __new__(
        cls,
        keyring: Keyring,
        *,
        format: FormatName = "native",
        ttl: Duration | None = None,
        cookie_name: str = "",
        context: str | bytes | None = None,
        skew: Duration | None = None,
        iterations: int | None = None,
        salt_bits: int | None = None,
        localtime_offset: Duration | None = None,
        max_token_chars: int | None = None,
        max_json_bytes: int | None = None,
        max_depth: int | None = None,
        salt_reuse: Duration | None = None,
    ) -> Sealer: ...
    def seal(self, data: object) -> str: ...
    def seal_at(self, data: object, now: Instant) -> str: ...
    def seal_json(self, text: str) -> str: ...
    def seal_json_at(self, text: str, now: Instant) -> str: ...
    def unseal(self, token: str) -> Unsealed: ...
    def unseal_at(self, token: str, now: Instant) -> Unsealed: ...
    @property
    def format(self) -> FormatName: ...
    @property
    def keyring(self) -> Keyring: ...
    @property
    def cookie_name(self) -> str: ...
    @property
    def ttl(self) -> float | None: ...

@final
class Unsealed:
    """What an authentic token holds."""

    @property
    def data(self) -> Any: ...
    @property
    def key_id(self) -> str: ...
    @property
    def issued_at(self) -> float | None: ...
    @property
    def expires_at(self) -> float | None: ...
    @property
    def needs_reseal(self) -> bool: ...

@final
class CookieOptions:
    """The attributes of a ``Set-Cookie`` line; the defaults are a secure session cookie."""

    def __new__(
        cls,
        *,
        max_age: int | timedelta | None = None,
        expires: Instant | None = None,
        domain: str | None = None,
        path: str | None = "/",
        secure: bool = True,
        http_only: bool = True,
        same_site: SameSiteName | None = "Lax",
        partitioned: bool = False,
        priority: PriorityName | None = None,
    ) -> CookieOptions: ...
    @staticmethod
    def insecure_dev() -> CookieOptions: ...
    @staticmethod
    def for_style(style: CookieStyleName) -> CookieOptions: ...
    def replace(
        self,
        *,
        max_age: int | timedelta | None = ...,
        expires: Instant | None = ...,
        domain: str | None = ...,
        path: str | None = ...,
        secure: bool = ...,
        http_only: bool = ...,
        same_site: SameSiteName | None = ...,
        partitioned: bool = ...,
        priority: PriorityName | None = ...,
    ) -> CookieOptions: ...
    def with_expiry(self, expires: Instant, now: Instant | None = None) -> CookieOptions: ...
    @property
    def max_age(self) -> int | None: ...
    @property
    def expires(self) -> float | None: ...
    @property
    def domain(self) -> str | None: ...
    @property
    def path(self) -> str | None: ...
    @property
    def secure(self) -> bool: ...
    @property
    def http_only(self) -> bool: ...
    @property
    def same_site(self) -> Literal["Strict", "Lax", "None"] | None: ...
    @property
    def partitioned(self) -> bool: ...
    @property
    def priority(self) -> Literal["Low", "Medium", "High"] | None: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ChunkState:
    """What a request carried under one cookie name: a whole value, and how many chunks."""

    def __new__(cls, *, whole: bool = False, chunks: int = 0) -> ChunkState: ...
    @property
    def whole(self) -> bool: ...
    @property
    def chunks(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def set_cookie(
    name: str,
    value: str,
    options: CookieOptions | None = None,
    *,
    style: CookieStyleName = "polyseal",
) -> str: ...
def delete_cookie(
    name: str, options: CookieOptions | None = None, *, style: CookieStyleName = "polyseal"
) -> str: ...
def parse_cookie_header(header: str) -> list[tuple[str, str]]: ...
def chunk_state(cookies: CookiePairs, name: str, *, scheme: ChunkSchemeName) -> ChunkState: ...
def chunk_set_cookies(
    name: str,
    value: str,
    options: CookieOptions | None = None,
    *,
    style: CookieStyleName = "polyseal",
    scheme: ChunkSchemeName,
    split: bool = True,
    previous: ChunkState | None = None,
) -> list[str]: ...
def chunk_deletion_cookies(
    name: str,
    options: CookieOptions | None = None,
    *,
    style: CookieStyleName = "polyseal",
    scheme: ChunkSchemeName,
    previous: ChunkState | None = None,
) -> list[str]: ...
def reassemble(cookies: CookiePairs, name: str, *, scheme: ChunkSchemeName) -> str | None: ...
def cookie_header_budget(cookies: CookiePairs, limit: int = 8190) -> int: ...
def imf_fixdate(when: Instant) -> str: ...

@final
class SessionManager:
    """Loads, saves and clears sessions for one configuration; share one across threads."""

    def __new__(
        cls,
        keyring: Union[Keyring, Secret, Mapping[str, Union[Secret, Mapping[str, Secret]]]],
        *,
        format: FormatName = "native",
        name: str | None = None,
        max_age: int | timedelta | None = ...,
        idle_timeout: int | timedelta | None = None,
        cookie: CookieOptions | None = None,
        style: CookieStyleName | None = None,
        chunking: ChunkSchemeName | None = None,
        split: bool | None = None,
        session_header: str | None = None,
        save_new_sessions: bool | None = None,
        cookie_header_limit: int | None = ...,
        iterations: int | None = None,
        skew: Duration | None = None,
        salt_reuse: Duration | None = None,
    ) -> SessionManager: ...
    def load(
        self,
        cookie_header: str | None,
        *,
        session_header: str | None = None,
        now: Instant | None = None,
    ) -> Session: ...
    def update(
        self, session: Session, patch: dict[str, Any], *, now: Instant | None = None
    ) -> list[str]: ...
    def save(self, session: Session, *, now: Instant | None = None) -> list[str]: ...
    def clear(self, session: Session, *, now: Instant | None = None) -> list[str]: ...
    def token(self, session: Session, *, now: Instant | None = None) -> str: ...
    @property
    def format(self) -> FormatName: ...
    @property
    def name(self) -> str: ...
    @property
    def max_age(self) -> int | None: ...
    @property
    def idle_timeout(self) -> int | None: ...
    @property
    def cookie(self) -> CookieOptions: ...
    @property
    def style(self) -> CookieStyleName: ...
    @property
    def chunking(self) -> ChunkSchemeName: ...
    @property
    def split(self) -> bool: ...
    @property
    def session_header(self) -> str | None: ...
    @property
    def save_new_sessions(self) -> bool: ...
    @property
    def cookie_header_limit(self) -> int | None: ...
    @property
    def keyring(self) -> Keyring: ...

@final
class Session:
    """One request's session; ``data`` is a dict to read and change."""

    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> float: ...
    @property
    def last_seen_at(self) -> float | None: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @data.setter
    def data(self, data: dict[str, Any]) -> None: ...
    @property
    def is_new(self) -> bool: ...
    @property
    def rejection(self) -> PolysealError | None: ...
    @property
    def needs_reseal(self) -> bool: ...
    @property
    def is_cleared(self) -> bool: ...
