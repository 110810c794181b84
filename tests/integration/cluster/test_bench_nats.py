"""A smoke run of ``copytrade bench fanout --bus nats`` (docs/benchmarks.md): tiny sizes,
no figures for the record."""

from __future__ import annotations

from copytrade.bench.fanout_cluster import ClusterFanoutConfig, run_cluster_fanout


def test_the_bench_fans_out_through_a_worker(postgres_url: str, nats_url: str) -> None:
    result = run_cluster_fanout(
        ClusterFanoutConfig(postgres_url, nats_url, followers=10, repeat=1, workers=1)
    )
    assert (result.followers, result.workers, result.bus) == (10, 1, "nats")
    assert result.p50_ms > 0
