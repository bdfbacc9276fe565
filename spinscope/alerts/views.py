"""What `GET /api/v1/alerts`, `spinscope alerts list` and the Alerts page show: each alert's current
state with its links and whether a silence covers it, and the silences in force or to come."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.alerts import store
from spinscope.alerts.config import AlertingConfig
from spinscope.alerts.payloads import investigate_url, runbook_url, view_url
from spinscope.alerts.silences import silenced_by

HIDDEN_LABELS = ("alertname", "severity")


def alerts_view(client: Client, alerting: AlertingConfig, state: str, since: datetime, now: datetime) -> dict[str, Any]:
    silences = store.silences(client, now)
    rows = []
    for alert in store.latest_alerts(client, since):
        if state == "open" and alert.state not in ("pending", "firing"):
            continue
        if state not in ("all", "open") and alert.state != state:
            continue
        if alert.state == "inactive" and state == "all":
            continue
        labels = alert.label_map
        rows.append(
            {
                **alert.to_json(),
                "scope": ",".join(f"{k}={v}" for k, v in sorted(labels.items()) if k not in HIDDEN_LABELS) or "-",
                "since": alert.fired_at or alert.active_since,
                "silenced": silenced_by(silences, labels, now) if alert.state != "resolved" else None,
                "investigate_url": investigate_url(alerting.app_url, alert),
                "dashboard_url": view_url(alerting.app_url, alert),
                "runbook_url": runbook_url(alerting.runbook_url, alert),
            }
        )
    order = {"firing": 0, "pending": 1, "resolved": 2}
    rows.sort(key=lambda r: (order.get(r["state"], 3), r["severity"] != "page", str(r["since"])))
    return {"alerts": rows, "silences": silences}
