"""Benchmarks behind ``copytrade bench NAME --json`` (SPEC §9), see docs/benchmarks.md."""
