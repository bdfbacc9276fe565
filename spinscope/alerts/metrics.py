"""The alerting lines of `serve`'s `/metrics`: delivery counters, queue depths, open alerts.

`serve`'s background job registers its notifier and evaluator here; the `/metrics` handler
(spinscope.server) appends `prometheus()` to the ingest pipeline's lines.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

_REGISTERED: dict[str, Any] = {"notifier": None, "evaluator": None}


def register(notifier: Any, evaluator: Any = None, standby: bool = False) -> None:
    """The job's notifier and evaluator; `standby` clears the evaluator (another process evaluates)."""
    _REGISTERED["notifier"] = notifier
    if evaluator is not None or standby:
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
    return text + "\n".join(lines) + "\n" + figure_lines(evaluator.figures)


def _labels(**pairs: str) -> str:
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in pairs.items())
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: Any) -> str | None:
    """The value as a sample, or None when undefined (no events: None or the NO_DATA sentinel)."""
    from spinscope.slo.math import NoData

    return None if value is None or isinstance(value, NoData) else f"{float(value):.12g}"


SLO_STATES = ("page", "ticket", "ok", "no_data", "low_traffic")
RTP_STATES = ("ok", "watch", "drift", "low_volume", "no_reference", "no_data")


def figure_lines(figures: dict[str, Any]) -> str:
    """spinscope's view for Prometheus and Grafana, from the last evaluation round: per SLO (and group)
    the SLI, each alert window's burn rate, the budget left and the alert state; per game version the
    RTP z and state. Label names are fixed (slo, group, window, state, game_id, game_version); an
    undefined figure (no events) is left out rather than exported as NaN."""
    out = [
        "# HELP spinscope_slo_sli The SLI over the SLO period (good / total events).",
        "# TYPE spinscope_slo_sli gauge",
        "# HELP spinscope_slo_burn_rate Error-budget burn rate over an alert window.",
        "# TYPE spinscope_slo_burn_rate gauge",
        "# HELP spinscope_slo_budget_remaining_ratio Share of the period's error budget left.",
        "# TYPE spinscope_slo_budget_remaining_ratio gauge",
        "# HELP spinscope_slo_alert_state 1 for the SLO's current alert state.",
        "# TYPE spinscope_slo_alert_state gauge",
        "# HELP spinscope_rtp_z z-score of observed against theoretical RTP over the RTP window.",
        "# TYPE spinscope_rtp_z gauge",
        "# HELP spinscope_rtp_state 1 for the game version's current RTP state.",
        "# TYPE spinscope_rtp_state gauge",
    ]
    from spinscope.slo.math import format_duration

    for status in figures.get("slo", []):
        slo = status.spec.name
        group = ",".join(f"{k}={v}" for k, v in status.group)
        sli = _number(status.budget.sli)
        if sli is not None:
            out.append(f"spinscope_slo_sli{_labels(slo=slo, group=group)} {sli}")
        burns: dict[str, Any] = {}
        for pair in status.alert.pairs:
            burns[format_duration(pair.window.long_s)] = pair.long_burn
            burns[format_duration(pair.window.short_s)] = pair.short_burn
        for window, burn in burns.items():
            if burn is not None:
                out.append(f"spinscope_slo_burn_rate{_labels(slo=slo, group=group, window=window)} {_number(burn)}")
        remaining = _number(status.budget.remaining_ratio)
        if remaining is not None:
            out.append(f"spinscope_slo_budget_remaining_ratio{_labels(slo=slo, group=group)} {remaining}")
        for state in SLO_STATES:
            value = int(status.alert.state == state)
            out.append(f"spinscope_slo_alert_state{_labels(slo=slo, group=group, state=state)} {value}")
    for row in figures.get("rtp", []):
        game, version = str(row["game_id"]), str(row["game_version"])
        if row.get("z") is not None:
            out.append(f"spinscope_rtp_z{_labels(game_id=game, game_version=version)} {_number(row['z'])}")
        for state in RTP_STATES:
            value = int(row.get("state") == state)
            out.append(f"spinscope_rtp_state{_labels(game_id=game, game_version=version, state=state)} {value}")
    return "\n".join(out) + "\n"
