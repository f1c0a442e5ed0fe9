"""A bounded load test: 20 concurrent clients on `POST /api/ask` of a real `rag serve` process.

Fixed number of requests, a time cap, loopback only. Errors must be zero and the server's
memory must stay flat. The full-size run with printed figures is `python -m bench.load`.
"""

from __future__ import annotations

from pathlib import Path

from bench.load import CLIENTS, run_load, served
from tests.llm_server import free_port

REQUESTS = 120
TIME_CAP_S = 400


def test_twenty_concurrent_clients_get_answers_without_errors(tmp_path: Path) -> None:
    port = free_port()
    with served(
        tmp_path / "data", port, env={"RAG_SOURCES": str(Path(__file__).parents[1] / "seeds")}
    ) as proc:
        result = run_load(
            f"http://127.0.0.1:{port}",
            clients=CLIENTS,
            requests=REQUESTS,
            time_cap_s=TIME_CAP_S,
            pid=proc.pid,
        )
        assert proc.poll() is None, "the server survived the load"
    print(result)
    assert result["clients"] == 20
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests_done"] == REQUESTS and not result["time_capped"]
    assert result["memory_flat"] is True, result
    assert result["latency_p95_ms"] >= result["latency_p50_ms"] > 0
