"""Simulation: running the real engine on a scenario file (SPEC §9, ``copytrade simulate``)."""
