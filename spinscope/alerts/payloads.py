"""What receivers are sent, as pure functions: Alertmanager API v2 alerts, webhook bodies, signatures, links.

Links open the app on the alert's window and filters: the Investigate page reads `signal`,
`from`, `to` (UTC minutes) and repeated `where=key=value` (spinscope.app.investigation), and
the SLO and RTP pages are linked by their url paths.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from spinscope.alerts.lifecycle import Alert
from spinscope.alerts.rules import ATTRIBUTE_OF

SIGNATURE_HEADER = "X-Spinscope-Signature"
MINUTE = "%Y-%m-%dT%H:%M"


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def investigate_url(app_url: str, alert: Alert) -> str:
    """The Investigate page on the alert's window (whole minutes, at least one) and its label filters."""
    start = alert.window_start.astimezone(UTC).replace(second=0, microsecond=0)
    end = alert.window_end.astimezone(UTC)
    end = end.replace(second=0, microsecond=0) + (
        timedelta(minutes=1) if end.second or end.microsecond else timedelta()
    )
    if end <= start:
        end = start + timedelta(minutes=1)
    labels = alert.label_map
    params: list[tuple[str, str]] = [
        ("signal", alert.investigate_signal),
        ("from", start.strftime(MINUTE)),
        ("to", end.strftime(MINUTE)),
    ]
    params += [("where", f"{ATTRIBUTE_OF[k]}={labels[k]}") for k in ATTRIBUTE_OF if k in labels]
    return f"{app_url.rstrip('/')}/investigate?{urlencode(params)}"


def view_url(app_url: str, alert: Alert) -> str:
    """The page that explains the alert: the SLOs page for SLO alerts, RTP for RTP ones, else Overview."""
    base = app_url.rstrip("/")
    labels = alert.label_map
    if "slo" in labels:
        return f"{base}/slos?{urlencode({'slo': labels['slo']})}"
    if alert.rule == "rtp":
        wanted = {"game_id": labels.get("game_id"), "version": labels.get("game_version")}
        return f"{base}/rtp?{urlencode({k: v for k, v in wanted.items() if v})}"
    return base + "/"


def runbook_url(template: str, alert: Alert) -> str:
    return template.replace("{alertname}", alert.alertname.lower())


def alert_annotations(alert: Alert, app_url: str, runbook_template: str) -> dict[str, str]:
    out = {
        "summary": alert.summary,
        "description": alert.description,
        "runbook_url": runbook_url(runbook_template, alert),
        "investigate_url": investigate_url(app_url, alert),
        "dashboard_url": view_url(app_url, alert),
    }
    if alert.value is not None:
        out["value"] = f"{alert.value:.6g}"
    return out


def alertmanager_alerts(
    alerts: list[Alert], app_url: str, runbook_template: str, now: datetime, valid_for: timedelta
) -> list[dict[str, Any]]:
    """POST /api/v2/alerts body. Firing alerts carry endsAt = now + valid_for (Prometheus' convention):
    if spinscope stops re-sending, Alertmanager resolves them by itself; resolved ones carry their end."""
    out = []
    for alert in alerts:
        ends = alert.resolved_at if alert.state == "resolved" and alert.resolved_at else now + valid_for
        out.append(
            {
                "labels": {**alert.label_map, "source": "spinscope"},
                "annotations": alert_annotations(alert, app_url, runbook_template),
                "startsAt": _iso(alert.fired_at or alert.active_since),
                "endsAt": _iso(ends),
                "generatorURL": investigate_url(app_url, alert),
            }
        )
    return out


def webhook_body(alert: Alert, receiver: str, app_url: str, runbook_template: str, fmt: str = "json") -> bytes:
    """One alert's notification: spinscope's JSON, or a Slack-compatible `text` + `blocks` message."""
    notes = alert_annotations(alert, app_url, runbook_template)
    if fmt == "slack":
        icon = ":white_check_mark:" if alert.state == "resolved" else ":rotating_light:"
        head = f"{icon} [{alert.state.upper()}:{alert.severity}] {alert.summary}"
        links = f"<{notes['investigate_url']}|Investigate> · <{notes['dashboard_url']}|Dashboard>"
        links += f" · <{notes['runbook_url']}|Runbook>"
        payload: dict[str, Any] = {
            "text": head,
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": f"*{head}*\n{alert.description}"}},
                {"type": "context", "elements": [{"type": "mrkdwn", "text": links}]},
            ],
        }
    else:
        payload = {
            "version": "1",
            "receiver": receiver,
            "status": alert.state,
            "alert": {
                "fingerprint": alert.fingerprint,
                "rule": alert.rule,
                "labels": alert.label_map,
                "annotations": notes,
                "startsAt": _iso(alert.fired_at or alert.active_since),
                "endsAt": _iso(alert.resolved_at) if alert.resolved_at else None,
                "value": alert.value,
            },
        }
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def sign(body: bytes, secret: str) -> str:
    """The signature header's value: `sha256=` and the hex HMAC-SHA256 of the exact body bytes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str) -> bool:
    """What a receiver runs: a constant-time comparison with the expected signature."""
    return hmac.compare_digest(sign(body, secret), header or "")
