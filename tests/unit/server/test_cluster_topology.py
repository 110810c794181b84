"""The processes ``copytrade cluster`` starts (docs/deploy.md, "The topology")."""

from __future__ import annotations

import pytest

from copytrade.adapters.bus.jetstream import StreamSpec
from copytrade.server.cluster import Topology


def test_the_topology_is_a_relay_workers_sharing_the_shards_and_api_servers() -> None:
    commands = Topology(workers=3, shards=8, api_servers=2, first_port=9000).commands()
    names = [name for name, _args in commands]
    assert names == ["relay", "worker-0", "worker-1", "worker-2", "api-0", "api-1"]
    assert commands[1][1] == ["worker", "--shards", "8", "--take", "3"]  # ceil(8 / 3)
    assert commands[5][1][:5] == ["serve", "--host", "127.0.0.1", "--port", "9001"]


def test_workers_serve_health_on_consecutive_ports_apart_from_the_api() -> None:
    commands = dict(Topology(workers=2, shards=4, api_servers=1, worker_health_port=9100)
                    .commands())  # fmt: skip
    assert commands["worker-1"][-4:] == ["--health-port", "9101", "--health-host", "127.0.0.1"]
    assert "--health-port" not in dict(Topology().commands())["worker-0"]
    with pytest.raises(ValueError, match=r"apart from the API servers' ports 8000\.\.8001"):
        Topology(workers=2, shards=4, api_servers=2, worker_health_port=7999)


def test_more_workers_than_shards_is_refused() -> None:
    with pytest.raises(ValueError, match="at least as many shards as workers"):
        Topology(workers=5, shards=4)


def test_the_streams_duplicate_window_must_fit_its_max_age() -> None:
    with pytest.raises(ValueError, match="duplicate window"):
        StreamSpec(max_age_s=60, duplicate_window_s=120)
    config = StreamSpec().config()
    assert config.duplicate_window == 15 * 60
    assert config.subjects == ["copytrade.>"]
