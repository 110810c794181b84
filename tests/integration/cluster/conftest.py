"""A second fresh schema, for the single-process run a cluster run is compared with."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from copytrade.bench.databases import fresh_schema


@pytest.fixture
def reference_url(postgres_url: str) -> Iterator[str]:
    with fresh_schema(postgres_url, prefix="t") as url:
        yield url
