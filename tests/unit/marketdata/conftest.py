from collections.abc import Callable
from pathlib import Path

import pytest

WriteCsv = Callable[[str], Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """Write ``text`` (leading spaces on each line stripped) to bars.csv in tmp_path."""

    def write(text: str) -> Path:
        path = tmp_path / "bars.csv"
        lines = [line.strip() for line in text.strip().splitlines()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write
