"""One small valid scenario, as YAML and as the same content in JSON.

Error tests derive invalid files from it by replacing one fragment, so each
case changes exactly one thing.
"""

BASE_YAML = """\
name: base
start: 2024-01-01T00:00:00Z
instruments:
  - {symbol: BTC/USDT:USDT, kind: perp, tick: 0.1, lot_step: 0.001, max_leverage: 20}
  - {symbol: ETH/USDT, kind: spot, tick: 0.01, lot_step: 0.0001, taker_fee: 0.001}
prices:
  - {at: 2024-01-01T00:00:00Z, symbol: BTC/USDT:USDT, price: 40000.5}
  - {at: 2024-01-01T00:00:00Z, symbol: ETH/USDT, price: 2000}
  - {symbol: BTC/USDT:USDT, start: 2024-01-01T01:00:00Z, every: 1h, prices: [41000, 42000]}
providers:
  - {id: pro, deposit: 100000, share_pct: 15}
followers:
  - {id: alice, deposit: 20000}
events:
  - at: 2024-01-01T00:00:00Z
    type: follow
    follower: alice
    provider: pro
    allocation: 10000
    settings: {mode: multiplier, multiplier: 2.5, max_loss_pct: 30}
  - {at: 2024-01-01T00:30:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT,
     side: buy, qty: 0.1, leverage: 5}
  - {at: 2024-01-01T01:00:00Z, type: pause, follower: alice, provider: pro}
  - {at: 2024-01-01T02:00:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT,
     side: sell, qty: 0.1, order_type: limit, price: 42000.1}
  - {at: 2024-01-01T02:00:00Z, type: settle}
"""

BASE_JSON = """\
{
  "name": "base",
  "start": "2024-01-01T00:00:00Z",
  "instruments": [
    {"symbol": "BTC/USDT:USDT", "kind": "perp", "tick": 0.1, "lot_step": 0.001,
     "max_leverage": 20},
    {"symbol": "ETH/USDT", "kind": "spot", "tick": 0.01, "lot_step": 0.0001, "taker_fee": 0.001}
  ],
  "prices": [
    {"at": "2024-01-01T00:00:00Z", "symbol": "BTC/USDT:USDT", "price": 40000.5},
    {"at": "2024-01-01T00:00:00Z", "symbol": "ETH/USDT", "price": 2000},
    {"symbol": "BTC/USDT:USDT", "start": "2024-01-01T01:00:00Z", "every": "1h",
     "prices": [41000, 42000]}
  ],
  "providers": [{"id": "pro", "deposit": 100000, "share_pct": 15}],
  "followers": [{"id": "alice", "deposit": 20000}],
  "events": [
    {"at": "2024-01-01T00:00:00Z", "type": "follow", "follower": "alice", "provider": "pro",
     "allocation": 10000,
     "settings": {"mode": "multiplier", "multiplier": 2.5, "max_loss_pct": 30}},
    {"at": "2024-01-01T00:30:00Z", "type": "order", "provider": "pro", "symbol": "BTC/USDT:USDT",
     "side": "buy", "qty": 0.1, "leverage": 5},
    {"at": "2024-01-01T01:00:00Z", "type": "pause", "follower": "alice", "provider": "pro"},
    {"at": "2024-01-01T02:00:00Z", "type": "order", "provider": "pro", "symbol": "BTC/USDT:USDT",
     "side": "sell", "qty": 0.1, "order_type": "limit", "price": 42000.1},
    {"at": "2024-01-01T02:00:00Z", "type": "settle"}
  ]
}
"""


def with_events(*lines: str) -> str:
    """BASE_YAML with more actions appended to its events."""
    return BASE_YAML + "".join(f"  - {line}\n" for line in lines)
