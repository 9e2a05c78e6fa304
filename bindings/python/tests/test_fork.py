"""A pre-fork server (gunicorn, os.fork): after the fork the child must never continue its
parent's random stream, or its tokens would reuse the parent's nonces, salts and IVs."""

from __future__ import annotations

import json
import os
import warnings
from typing import List

import polyseal

from conftest import NOW, PASSWORD_A

SEALS = 8


def tokens(sealers: List[polyseal.Sealer]) -> List[str]:
    # Sealed at one fixed time: two tokens are equal exactly when their random parts are.
    return [sealer.seal_at({"user": n}, NOW) for n in range(SEALS) for sealer in sealers]


def child_tokens(sealers: List[polyseal.Sealer], generations: int) -> List[str]:
    """Forks; the child (after checking generations - 1 forks of its own) sends its tokens back."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a process that runs threads; these tests join theirs.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            if generations > 1:
                assert_fork_repeats_nothing(sealers, generations - 1)
            with os.fdopen(write_end, "w") as out:
                json.dump(tokens(sealers), out)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as incoming:
        received: List[str] = json.load(incoming)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return received


def assert_fork_repeats_nothing(sealers: List[polyseal.Sealer], generations: int) -> None:
    theirs = child_tokens(sealers, generations)
    ours = tokens(sealers)
    assert len(theirs) == len(ours) == SEALS * len(sealers)
    assert not set(theirs) & set(ours)


def test_a_forked_child_and_grandchild_never_repeat_their_parents_tokens() -> None:
    keyring = polyseal.Keyring(PASSWORD_A)
    sealers = [polyseal.Sealer(keyring, cookie_name="session"), polyseal.Sealer(keyring, format="h3-v1")]
    tokens(sealers)  # the parent's generator is seeded and in use before the fork
    assert_fork_repeats_nothing(sealers, generations=2)
