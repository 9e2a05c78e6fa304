# Hand-written stub of the native module; `python -m mypy.stubtest polyseal` checks it.

from collections.abc import Mapping
from typing import Any, Union, final

from ._types import Duration, FormatName, Instant, Secret

__all__ = ["ERROR_CODES", "FORMATS", "Keyring", "Sealer", "Unsealed", "__version__"]

__version__: str
ERROR_CODES: dict[str, int]
FORMATS: tuple[str, ...]

@final
class Keyring:
    """Secrets with ids; the current one seals, every one unseals."""

    def __new__(
        cls,
        secret_or_entries: Union[Secret, Mapping[str, Union[Secret, Mapping[str, Secret]]]],
        *,
        current: str | None = None,
    ) -> Keyring: ...
    @property
    def ids(self) -> tuple[str, ...]: ...
    @property
    def current(self) -> str: ...
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
