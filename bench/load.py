"""What one load run measured: throughput and latency percentiles, whoever generated the load."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LoadResult", "percentile"]


@dataclass(frozen=True)
class LoadResult:
    """Requests (or statements) per second and latency in milliseconds."""

    per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int = 0


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (0.0 when there are none)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]
