"""Package surface: version equal to Cargo's, exports, the installed native module, and no
secret in any repr or message."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path
from typing import Any, Callable, List

import pytest

import polyseal

from conftest import NOW, PASSWORD_A, PASSWORD_B, REPO_ROOT, RAW_KEY


def cargo_workspace_version() -> str:
    text = (REPO_ROOT / "Cargo.toml").read_text(encoding="utf-8")
    section = re.search(r"^\[workspace\.package\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S)
    assert section is not None
    version = re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.M)
    assert version is not None
    return version.group(1)


def test_version_is_cargos() -> None:
    version = cargo_workspace_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert polyseal.__version__ == version
    assert importlib.metadata.version("polyseal") == version


def test_all_lists_the_public_names() -> None:
    for name in polyseal.__all__:
        assert hasattr(polyseal, name), name
    public = {name for name in vars(polyseal) if not name.startswith("_")}
    modules = {"annotations"}  # `from __future__ import annotations`
    missing = public - set(polyseal.__all__) - modules - {"Any", "Optional", "Union"}
    assert not missing, missing
    assert len(polyseal.__all__) == len(set(polyseal.__all__))


def test_the_native_module_is_the_installed_one() -> None:
    native = Path(polyseal._native.__file__)
    assert native.name.startswith("_native") and native.suffix in (".so", ".pyd")
    assert (native.parent / "py.typed").exists()
    assert (native.parent / "_native.pyi").exists()
    assert polyseal.Keyring.__module__ == "polyseal"


def shown(objects: List[Any]) -> str:
    return "\n".join(f"{thing!r} {thing!s}" for thing in objects)


def test_no_secret_in_reprs_or_messages() -> None:
    keyring = polyseal.Keyring({"k2": PASSWORD_B, "k1": PASSWORD_A, "raw": RAW_KEY})
    sealer = polyseal.Sealer(keyring, context="private-context", cookie_name="session")
    opened = sealer.unseal_at(sealer.seal_at({"secret": "payload-value"}, NOW), NOW)
    errors: List[BaseException] = []
    bad_calls: List[Callable[[], Any]] = [
        lambda: polyseal.Keyring(PASSWORD_A[:31]),
        lambda: polyseal.Keyring({"bad-id": PASSWORD_A}),
        lambda: polyseal.Keyring({"k": RAW_KEY[:31]}),
        lambda: polyseal.Keyring({"k": {"encryption": PASSWORD_A, "integrity": "short-pw"}}),
        lambda: sealer.unseal_at(sealer.seal_at(1, NOW)[:-1], NOW),
    ]
    for call in bad_calls:
        with pytest.raises(polyseal.PolysealError) as raised:
            call()
        errors.append(raised.value)
    text = shown([keyring, sealer, opened, *errors]) + "".join(
        str(getattr(e, "message", "")) for e in errors
    )
    for secret in (PASSWORD_A, PASSWORD_B, PASSWORD_A[:31], "short-pw", "private-context"):
        assert secret not in text
    assert "payload-value" not in text
    assert RAW_KEY.hex() not in text and repr(RAW_KEY) not in text and repr(RAW_KEY[:31]) not in text
    assert "k2" in text and "raw" in text
