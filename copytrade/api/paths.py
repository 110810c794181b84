"""Where the JSON API lives: every operation is under one version prefix (docs/api.md,
Versions). The probes and metrics (``/healthz``, ``/readyz``, ``/metrics``) are not."""

from __future__ import annotations

API_V1 = "/api/v1"
LEADERBOARD = f"{API_V1}/leaderboard"
