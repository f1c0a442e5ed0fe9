"""The CI gate: compare a run's metrics with the floors and ceilings in a TOML file.

The file has a `[min]` table (a metric must be at least this) and a `[max]`
table (at most this, e.g. latency or false refusals):

    [min]
    hit_rate = 0.95
    [max]
    false_refusal_rate = 0.10

`check_gate(metrics, path)` returns one message per violated threshold (empty
when the run passes). A metric the thresholds name but the run lacks (or could
not measure, `null`) is a violation. Unknown tables are an error.

It does not run the eval, and it never changes a threshold.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from rag.errors import RagError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 needs the tomli backport
    import tomli as tomllib

DEFAULT_THRESHOLDS = Path("evals/thresholds.toml")
TABLES = ("min", "max")


class GateError(RagError):
    """The thresholds file cannot be read or is malformed."""


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GateError(f"Thresholds file {path} not found.") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise GateError(f"Cannot read thresholds file {path}: {exc}") from exc
    unknown = set(data) - set(TABLES)
    if unknown:
        raise GateError(f"{path}: unknown table(s) {sorted(unknown)}; use [min] and [max].")
    out: dict[str, dict[str, float]] = {}
    for table in TABLES:
        values = data.get(table, {})
        if not isinstance(values, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values.values()
        ):
            raise GateError(f"{path}: [{table}] must map metric names to numbers.")
        out[table] = {k: float(v) for k, v in values.items()}
    return out


def check_gate(metrics: dict[str, Any], path: Path) -> list[str]:
    """One line per threshold the metrics violate; empty when all hold."""
    thresholds = load_thresholds(path)
    failures = []
    for table, bound in (("min", "at least"), ("max", "at most")):
        for key, limit in thresholds[table].items():
            value = metrics.get(key)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                failures.append(f"{key}: not measured in this run (must be {bound} {limit:g})")
            elif (table == "min" and value < limit) or (table == "max" and value > limit):
                failures.append(f"{key} = {value:g}, must be {bound} {limit:g}")
    return failures
