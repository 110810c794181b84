"""Benchmarks behind ``copytrade bench NAME --json`` (docs/scenarios.md), see docs/benchmarks.md."""
