"""The demo's bot traders: one style each, deterministic, no I/O (docs/demo.md)."""

from copytrade.demo.bots.gambler import Gambler
from copytrade.demo.bots.mean_reversion import MeanReverter
from copytrade.demo.bots.protocol import Bot
from copytrade.demo.bots.signal_bot import SignalBot
from copytrade.demo.bots.spot_holder import SpotHolder
from copytrade.demo.bots.trend import TrendFollower

__all__ = ["Bot", "Gambler", "MeanReverter", "SignalBot", "SpotHolder", "TrendFollower"]
