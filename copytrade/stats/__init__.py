"""Provider statistics as a service: precomputed per period, refreshed, ranked (docs/statistics.md).

``StatsService`` keeps the ``provider_stats`` table up to date (a full
refresh, and O(1) updates when a trade closes); ``leaderboard`` reads it;
``StatsRefresher`` runs the full refresh on a schedule. docs/statistics.md.
"""
