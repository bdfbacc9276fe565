"""`alerting.yaml`: receivers, routes, intervals and rule settings, validated with file/field/fix errors.

The file is optional: without it spinscope still evaluates and records alerts (history, `alerts
list`, the Alerts page) but notifies nobody. Secrets are never written in the file: a webhook
names the environment variable holding its HMAC secret (`secret_env`).

Shape (every key optional):

    app_url: http://127.0.0.1:8501        # links in notifications open this app
    runbook_url: https://runbooks.example/spinscope/{alertname}
    evaluation_interval: 1m
    repeat_interval: 4h                   # a webhook repeats a firing alert this often
    resend_interval: 1m                   # Alertmanager gets every active alert this often
    resolve_retention: 15m                # a resolved alert is re-sent this long (a lost resolve is re-sent)
    pending_for: {page: 0m, ticket: 0m}   # how long a condition holds before it fires
    receivers:
      - {name: am, kind: alertmanager, url: http://127.0.0.1:9093}
      - {name: hook, kind: webhook, url: http://127.0.0.1:9000/hook, secret_env: HOOK_SECRET, format: json}
    routes:                               # first match wins; no route: every receiver
      - {match: {severity: page}, receivers: [am, hook]}
      - {receivers: [am]}
    rules:
      traffic: {window: 15m, max_window: 12h, weeks: 3, days: 6, ratio: 0.3, min_expected: 200, z: 5,
                by: [[], [game_id], [region]]}
      no_data: {silent_for: 10m, lookback: 1h, min_spins: 100, max_probability: 0.000001, by: [[], [game_id]]}
      rtp: {window: 7d, every: 5m}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from spinscope.slo.metric_source import Fields, SloSpecError, show

ALERTING_FILE = "alerting.yaml"
RECEIVER_KINDS = ("alertmanager", "webhook")
FORMATS = ("json", "slack")
SEVERITIES = ("page", "ticket")
DIMENSIONS = ("game_id", "game_version", "region", "instance_id", "channel", "currency", "service_name", "environment")
_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class AlertingConfigError(SloSpecError):
    """alerting.yaml cannot be used; the message names the file, the field and the fix."""


@dataclass(frozen=True)
class Receiver:
    name: str
    kind: str
    url: str
    secret_env: str | None = None
    format: str = "json"
    timeout_s: float = 5.0


@dataclass(frozen=True)
class Route:
    match: tuple[tuple[str, str], ...]
    receivers: tuple[str, ...]

    def matches(self, labels: dict[str, str]) -> bool:
        return all(labels.get(k) == v for k, v in self.match)


BUCKET_S = 300  # the traffic rules read spins in 5-minute buckets: their windows are multiples of it


@dataclass(frozen=True)
class TrafficRule:
    """Traffic anomaly settings (the statistics: spinscope/alerts/traffic.py)."""

    window_s: int = 15 * 60  # the shortest window judged; then 2x, 4x, ... up to max_window
    max_window_s: int = 12 * 3600
    weeks: int = 3  # baseline: the same minutes 1..weeks weeks ago...
    days: int = 6  # ...and 1..days days ago
    ratio: float = 0.3  # fires when spins fall below this share of the baseline...
    min_expected: int = 200  # ...the baseline expects at least this many spins in the window...
    z: float = 5.0  # ...and so few spins have a one-sided p below that of a normal z (5: 2.9e-7)
    by: tuple[tuple[str, ...], ...] = ((), ("game_id",), ("region",))

    @property
    def lags_s(self) -> tuple[int, ...]:
        return tuple(d * 86400 for d in range(1, self.days + 1)) + tuple(
            w * 7 * 86400 for w in range(1, self.weeks + 1)
        )


@dataclass(frozen=True)
class NoDataRule:
    silent_for_s: int = 10 * 60
    lookback_s: int = 3600
    min_spins: int = 100  # spins in the lookback before the silence: "was sending"
    max_probability: float = 1e-6  # how unlikely the silence must be for the stream's rate and burstiness
    by: tuple[tuple[str, ...], ...] = ((), ("game_id",))


@dataclass(frozen=True)
class AlertingConfig:
    source: str = "(defaults)"
    app_url: str = "http://127.0.0.1:8501"
    runbook_url: str = "docs/runbooks.md#{alertname}"
    evaluation_interval_s: int = 60
    repeat_interval_s: int = 4 * 3600
    resend_interval_s: int = 60
    resolve_retention_s: int = 15 * 60
    pending_for_s: dict[str, int] = field(default_factory=lambda: {"page": 0, "ticket": 0})
    receivers: tuple[Receiver, ...] = ()
    routes: tuple[Route, ...] = ()
    traffic: TrafficRule = TrafficRule()
    no_data: NoDataRule = NoDataRule()
    rtp_window_s: int = 7 * 86400
    rtp_every_s: int = 5 * 60  # RTP over days moves slowly and costs the most: evaluated this often
    queue_size: int = 1000

    def receivers_for(self, labels: dict[str, str]) -> tuple[str, ...]:
        """The receivers an alert with `labels` goes to: the first matching route's, or every receiver."""
        for route in self.routes:
            if route.matches(labels):
                return route.receivers
        return tuple(r.name for r in self.receivers)


class _Fields(Fields):
    def fail(self, field: str, problem: str, fix: str):  # type: ignore[no-untyped-def]
        raise AlertingConfigError(f"{self.source}: {field}: {problem}; {fix}")


def _duration(d: Fields, value: Any, f: str) -> int:
    match = _DURATION.match(str(value).strip()) if isinstance(value, str | int) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not match:
        d.fail(f, f"{show(value)} is not a duration", "write e.g. 30s, 5m, 4h or 1d")
    return int(match.group(1)) * _UNIT_S[match.group(2)]


def _buckets(d: Fields, seconds: int, f: str) -> int:
    if seconds <= 0 or seconds % BUCKET_S:
        d.fail(f, f"{seconds}s is not a whole number of 5-minute buckets", "use 5m, 10m, 15m, 1h, ...")
    return seconds


def _number(d: Fields, value: Any, f: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        d.fail(f, f"{show(value)} is out of bounds", f"use a number from {low} to {high}")
    return float(value)


def _by(d: Fields, value: Any, f: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        d.fail(f, f"expected a list of dimension lists, got {show(value)}", "write e.g. [[], [game_id], [region]]")
    out = []
    for i, dims in enumerate(value):
        if not isinstance(dims, list) or any(k not in DIMENSIONS for k in dims):
            d.fail(
                f"{f}[{i}]", f"{show(dims)} is not a list of dimensions", f"use [] or keys of: {', '.join(DIMENSIONS)}"
            )
        out.append(tuple(dims))
    return tuple(out)


def parse_alerting(doc: Any, source: str) -> AlertingConfig:
    """Validate one decoded alerting.yaml read from `source`."""
    d = _Fields(source)
    top = (
        "app_url",
        "runbook_url",
        "evaluation_interval",
        "repeat_interval",
        "resend_interval",
        "resolve_retention",
        "pending_for",
        "receivers",
        "routes",
        "rules",
        "queue_size",
    )
    doc = d.mapping(doc if doc is not None else {}, "(document)", top)
    out: dict[str, Any] = {"source": source}
    for key in ("app_url", "runbook_url"):
        if key in doc:
            out[key] = d.string(doc[key], key, f"write the {key} as text, e.g. http://127.0.0.1:8501")
    for key in ("evaluation_interval", "repeat_interval", "resend_interval", "resolve_retention"):
        if key in doc:
            out[f"{key}_s"] = _duration(d, doc[key], key)
    if out.get("evaluation_interval_s", 60) < 10:
        d.fail("evaluation_interval", "shorter than 10s", "use 10s or more (the rollups are per minute)")
    if "queue_size" in doc:
        out["queue_size"] = int(_number(d, doc["queue_size"], "queue_size", 10, 1_000_000))
    if "pending_for" in doc:
        pending = d.mapping(doc["pending_for"], "pending_for", SEVERITIES)
        out["pending_for_s"] = {"page": 0, "ticket": 0} | {
            k: _duration(d, v, f"pending_for.{k}") for k, v in pending.items()
        }
    receivers: list[Receiver] = []
    raw_receivers = doc.get("receivers") or []
    if not isinstance(raw_receivers, list):
        d.fail("receivers", f"expected a list, got {show(raw_receivers)}", "write receivers: as a list of - name: ...")
    for i, item in enumerate(raw_receivers):
        f = f"receivers[{i}]"
        r = d.mapping(item, f, ("name", "kind", "url", "secret_env", "format", "timeout"), ("name", "kind", "url"))
        if r["kind"] not in RECEIVER_KINDS:
            d.fail(f"{f}.kind", f"{show(r['kind'])} is not a receiver kind", f"use one of: {', '.join(RECEIVER_KINDS)}")
        url = d.string(r["url"], f"{f}.url", "write the receiver's URL, e.g. http://127.0.0.1:9093")
        if not url.startswith(("http://", "https://")):
            d.fail(f"{f}.url", f"{url!r} is not an http(s) URL", "start it with http:// or https://")
        fmt = r.get("format", "json")
        if fmt not in FORMATS:
            d.fail(f"{f}.format", f"{show(fmt)} is not a format", f"use one of: {', '.join(FORMATS)}")
        if r["kind"] == "alertmanager" and ("secret_env" in r or "format" in r):
            d.fail(f, "secret_env and format are for webhooks", "remove them from the alertmanager receiver")
        name = d.string(r["name"], f"{f}.name", "give the receiver a name routes can use")
        if name in {x.name for x in receivers}:
            d.fail(f"{f}.name", f"{name!r} is defined twice", "give each receiver its own name")
        timeout = _number(d, r.get("timeout", 5), f"{f}.timeout", 0.1, 120)
        receivers.append(Receiver(name, r["kind"], url.rstrip("/"), r.get("secret_env"), fmt, timeout))
    out["receivers"] = tuple(receivers)
    routes: list[Route] = []
    raw_routes = doc.get("routes") or []
    if not isinstance(raw_routes, list):
        d.fail("routes", f"expected a list, got {show(raw_routes)}", "write routes: as a list of - receivers: [...]")
    names = {r.name for r in receivers}
    for i, item in enumerate(raw_routes):
        f = f"routes[{i}]"
        r = d.mapping(item, f, ("match", "receivers"), ("receivers",))
        match = r.get("match") or {}
        if not isinstance(match, dict):
            d.fail(f"{f}.match", f"expected label: value pairs, got {show(match)}", "write e.g. {severity: page}")
        wanted = r["receivers"]
        if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
            d.fail(f"{f}.receivers", f"expected a list of receiver names, got {show(wanted)}", "write e.g. [am]")
        for w in wanted:
            if w not in names:
                d.fail(f"{f}.receivers", f"no receiver named {w!r}", f"use one of: {', '.join(sorted(names)) or '-'}")
        routes.append(Route(tuple(sorted((str(k), str(v)) for k, v in match.items())), tuple(wanted)))
    out["routes"] = tuple(routes)
    rules = d.mapping(doc.get("rules") or {}, "rules", ("traffic", "no_data", "rtp"))
    if "traffic" in rules:
        t = d.mapping(
            rules["traffic"],
            "rules.traffic",
            ("window", "max_window", "weeks", "days", "ratio", "min_expected", "z", "by"),
        )
        base = TrafficRule()
        window = _buckets(d, _duration(d, t.get("window", "15m"), "rules.traffic.window"), "rules.traffic.window")
        max_window = _buckets(
            d, _duration(d, t.get("max_window", "12h"), "rules.traffic.max_window"), "rules.traffic.max_window"
        )
        if not window <= max_window <= 12 * 3600:
            d.fail("rules.traffic.max_window", "not between window and 12h", "use e.g. 12h, at least the window")
        out["traffic"] = TrafficRule(
            window_s=window,
            max_window_s=max_window,
            weeks=int(_number(d, t.get("weeks", base.weeks), "rules.traffic.weeks", 0, 8)),
            days=int(_number(d, t.get("days", base.days), "rules.traffic.days", 0, 6)),
            ratio=_number(d, t.get("ratio", base.ratio), "rules.traffic.ratio", 0.0, 1.0),
            min_expected=int(
                _number(d, t.get("min_expected", base.min_expected), "rules.traffic.min_expected", 1, 1e9)
            ),
            z=_number(d, t.get("z", base.z), "rules.traffic.z", 0.0, 100.0),
            by=_by(d, t["by"], "rules.traffic.by") if "by" in t else base.by,
        )
        if len(out["traffic"].lags_s) < 2:
            d.fail("rules.traffic", "fewer than 2 baseline lags (days + weeks)", "use days: 6 and weeks: 3, or more")
    if "no_data" in rules:
        n = d.mapping(
            rules["no_data"], "rules.no_data", ("silent_for", "lookback", "min_spins", "max_probability", "by")
        )
        base_n = NoDataRule()
        silent = _buckets(
            d, _duration(d, n.get("silent_for", "10m"), "rules.no_data.silent_for"), "rules.no_data.silent_for"
        )
        lookback = _buckets(
            d, _duration(d, n.get("lookback", "1h"), "rules.no_data.lookback"), "rules.no_data.lookback"
        )
        if lookback <= silent:
            d.fail("rules.no_data.lookback", "not longer than silent_for", "make lookback longer than silent_for")
        out["no_data"] = NoDataRule(
            silent,
            lookback,
            int(_number(d, n.get("min_spins", base_n.min_spins), "rules.no_data.min_spins", 1, 1e9)),
            _number(d, n.get("max_probability", base_n.max_probability), "rules.no_data.max_probability", 0, 0.5),
            _by(d, n["by"], "rules.no_data.by") if "by" in n else base_n.by,
        )
    if "rtp" in rules:
        r = d.mapping(rules["rtp"], "rules.rtp", ("window", "every"))
        out["rtp_window_s"] = _duration(d, r.get("window", "7d"), "rules.rtp.window")
        out["rtp_every_s"] = _duration(d, r.get("every", "5m"), "rules.rtp.every")
    return AlertingConfig(**out)


def load_alerting(directory: Path) -> AlertingConfig:
    """`directory/alerting.yaml`, or the defaults (no receivers) when the folder has none."""
    path = directory / ALERTING_FILE
    if not path.is_file():
        return AlertingConfig()
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(document)"
        raise AlertingConfigError(f"{path}: {where}: invalid YAML; fix the YAML at that line") from exc
    try:
        return parse_alerting(doc, str(path))
    except SloSpecError as exc:
        raise AlertingConfigError(str(exc)) from None
