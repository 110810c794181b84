"""Where block execution is offered (docs/engine.md "Block execution"): refused for a
provider trading on its own linked exchange account, and where the fan-out runs in shard
workers; a provider's own setting over the platform's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from copytrade.adapters.db.schema.venues import LinkedExchangeAccountRow
from copytrade.domain.block.setting import BlockExecutionError
from copytrade.domain.errors import InvalidValueError
from copytrade.service_layer.block_execution import BlockSettings

from .harness import Harness


def test_a_provider_on_its_own_exchange_account_cannot_have_blocks(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.provider("pro", "10000")
    h.provider("pre", "10000")
    with h.platform.uow() as uow:
        uow.session.add(
            LinkedExchangeAccountRow(
                account="pro:main", exchange="binance", api_key_sealed=b"k",
                secret_sealed=b"s", created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )  # fmt: skip
        uow.commit()
    blocks = h.platform.blocks
    assert blocks is not None
    with pytest.raises(BlockExecutionError, match="its own exchange account"):
        blocks.set("pro", True)
    assert blocks.set("pro", False).enabled is False  # off is always allowed
    assert blocks.set("pre", True).enabled is True  # "pre" is not "pro:…"
    assert blocks.enabled("pre") and not blocks.enabled("pro")


def test_with_shard_workers_no_block_is_offered(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.provider("pro", "10000")
    workers = BlockSettings(h.engine.uow_factory, platform=True, offered=False)
    assert workers.platform is False and workers.enabled("pro") is False
    with pytest.raises(InvalidValueError, match="shard workers"):
        workers.set("pro", True)


def test_the_platforms_setting_applies_until_the_provider_has_its_own(
    db_engine: Engine,
) -> None:
    h = Harness(db_engine)
    h.provider("pro", "10000")
    on = BlockSettings(h.engine.uow_factory, platform=True)
    assert on.enabled("pro") and on.of("pro").own is None
    on.set("pro", False)
    assert not on.enabled("pro")
    on.set("pro", None)
    assert on.enabled("pro")
