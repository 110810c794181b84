"""Simulation: running the real engine on a scenario file (docs/scenarios.md, ``copytrade
simulate``)."""
