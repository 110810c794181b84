"""Every example scenario gives, byte for byte, the RESULT.json kept in ``golden/``.

The golden copies were written by ``copytrade simulate`` before the copy pipeline
was rebuilt for speed (docs/engine.md): a change to the pipeline's layout or its
batching must not change one byte of any result. A change that means to alter a
result (a fix) rewrites that example's golden copy in the same commit, saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import EXAMPLES, Result

GOLDEN = Path(__file__).resolve().parent / "golden"
ALL_EXAMPLES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))


def test_every_example_has_a_golden_copy() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == ALL_EXAMPLES


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_the_result_is_byte_identical_to_its_golden_copy(
    simulate: Callable[[str], Result], examples_folder: Path, name: str
) -> None:
    simulate(name)
    written = (examples_folder / f"{name}.json").read_bytes()
    assert written == (GOLDEN / f"{name}.json").read_bytes()
