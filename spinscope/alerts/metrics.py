"""The alerting lines of `serve`'s `/metrics`: delivery counters, queue depths, open alerts.

`serve`'s background job registers its notifier and evaluator here; the `/metrics` handler
(spinscope.server) appends `prometheus()` to the ingest pipeline's lines.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

_REGISTERED: dict[str, Any] = {"notifier": None, "evaluator": None}


def register(notifier: Any, evaluator: Any = None) -> None:
    _REGISTERED["notifier"] = notifier
    if evaluator is not None:
        _REGISTERED["evaluator"] = evaluator


def prometheus() -> str:
    from spinscope.alerts.notify import prometheus_lines

    text = prometheus_lines(_REGISTERED["notifier"])
    evaluator = _REGISTERED["evaluator"]
    if evaluator is None:
        return text
    open_by = Counter((a.state, a.severity) for a in evaluator.open.values())
    lines = [
        "# HELP spinscope_alerts Open alerts by state and severity.",
        "# TYPE spinscope_alerts gauge",
    ]
    for state in ("pending", "firing"):
        for severity in ("page", "ticket"):
            lines.append(
                f'spinscope_alerts{{state="{state}",severity="{severity}"}} {open_by.get((state, severity), 0)}'
            )
    lines += [
        "# HELP spinscope_alert_rule_failures Alert rules that could not be evaluated in the last round.",
        "# TYPE spinscope_alert_rule_failures gauge",
        f"spinscope_alert_rule_failures {len(evaluator.failures)}",
    ]
    return text + "\n".join(lines) + "\n"
