"""An account book settles a fill against its cash, or refuses it and changes nothing."""

from __future__ import annotations

from decimal import Decimal

from copytrade.adapters.venues.paper.book import AccountBook
from copytrade.domain.ids import AccountId
from tests.unit.domain.fills_factory import ACCOUNT, fill
from tests.unit.venues.instruments import PERP, SPOT

D = Decimal


def book(usdt: str) -> AccountBook:
    return AccountBook(AccountId(ACCOUNT), cash={"USDT": D(usdt)})


def test_spot_buy_then_sell_moves_cost_proceeds_and_fees() -> None:
    b = book("1000")
    assert b.settle(SPOT, fill("buy", "0.01", "50000", "0.5", on=SPOT), D(1), {})
    assert b.cash["USDT"] == D("499.5")  # 1000 − 500 − 0.5
    assert b.settle(SPOT, fill("sell", "0.004", "52000", "0.208", on=SPOT), D(1), {})
    # + 0.004 × 52000 − 0.208 = 207.792
    assert b.cash["USDT"] == D("707.292")
    assert b.positions[SPOT.symbol].qty == D("0.006")


def test_a_refused_fill_leaves_cash_and_position_as_they_were() -> None:
    b = book("1000")
    assert b.settle(PERP, fill("buy", "0.1", "50000", "2.5", on=PERP), D(10), {})
    before = (dict(b.cash), b.positions[PERP.symbol].state())
    # 0.2 more at 10x: margin 1000 + fee > 497.5
    assert not b.settle(PERP, fill("buy", "0.2", "50000", "5", on=PERP), D(10), {})
    assert (b.cash, b.positions[PERP.symbol].state()) == before
    assert not b.settle(SPOT, fill("sell", "0.01", "50000", on=SPOT), D(1), {})  # holds none
    assert SPOT.symbol not in b.positions


def test_dry_run_answers_without_changing_anything() -> None:
    b = book("1000")
    assert b.settle(PERP, fill("buy", "0.1", "50000", "2.5", on=PERP), D(10), {}, dry_run=True)
    assert b.cash == {"USDT": D(1000)} and b.positions == {}
    assert not b.changed_cash and not b.changed_positions


def test_closing_is_never_refused_even_at_a_loss_beyond_the_cash() -> None:
    b = book("100")
    assert b.settle(PERP, fill("buy", "0.1", "50000", on=PERP), D(50), {})  # margin 100
    assert b.cash["USDT"] == 0
    # closing 10 % lower loses 500, more than the margin: no liquidation is simulated
    assert b.settle(PERP, fill("sell", "0.1", "45000", on=PERP), D(50), {})
    # 0 + 100 margin back − 500: the 400 beyond the cash is absorbed, as in the ledger
    assert b.cash["USDT"] == 0 and not b.positions[PERP.symbol].qty


def test_free_cash_counts_net_unrealized_losses_only() -> None:
    b = book("1000")
    b.settle(PERP, fill("buy", "0.1", "50000", on=PERP), D(10), {})  # cash 500
    assert b.free_cash("USDT", {PERP.symbol: D(49000)}) == D(400)  # −100 open loss
    assert b.free_cash("USDT", {PERP.symbol: D(51000)}) == D(500)  # a gain is not spendable
