"""The typing sample runs, and the package ships its stubs."""

from __future__ import annotations

import runpy
from pathlib import Path

import polyseal

HERE = Path(__file__).parent


def test_the_typing_sample_runs() -> None:
    namespace = runpy.run_path(str(HERE / "typing_sample.py"))
    messages = namespace["main"]()
    assert messages[0] == polyseal.__version__
    assert messages[-1] == f"MALFORMED {polyseal.ERROR_CODES['MALFORMED']}: " + messages[-1].split(": ", 1)[1]
    assert messages[-1].startswith("MALFORMED")
