"""Spins as store rows: the otel_traces and otel_logs columns the instrumented server's
telemetry becomes after the receiver decodes it, built column by column for speed.

`SpinText` turns integer codes into the contract's strings (shared with the live path,
which hands the very same attribute dicts to the SDK). `spin_span_columns` is the demo
loader's hot path: per spin one attribute dict built by a literal comprehension (the
cheapest way CPython builds a dict) and one "SECONDS.NNNNNNNNN" timestamp; everything
else is a shared object or a numpy fan-out. Column names and value shapes follow
`ingest.decode_traces` so the rows equal what the receiver writes for the same spans.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
from opentelemetry.sdk.resources import Resource

from spinscope.sim.currencies import format_column
from spinscope.sim.games import FEATURES
from spinscope.sim.spin_arrays import SpinIds, Spins, random_hex
from spinscope.sim.spins import SpinGenerator
from spinscope.sim.steps import SCOPE_NAME, SCOPE_VERSION, error_message, spin_logs, spin_steps

SPAN_KIND = {"server": "Server", "internal": "Internal", "client": "Client"}


def rtp_text(rtp: Fraction) -> str:
    """A theoretical RTP as a decimal string: 10 places at most, at least 4 ("0.9650")."""
    text = format(Decimal(rtp.numerator) / Decimal(rtp.denominator), ".10f").rstrip("0")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(4, '0')}"


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@dataclass
class SpinText:
    """The strings behind a generator's integer codes, and per-spin string columns."""

    generator: SpinGenerator

    def __post_init__(self) -> None:
        topo = self.generator.topology
        self.game_ids = _objects([g.id for g in topo.games])
        self.game_versions = _objects([g.intended_version for g in topo.games])  # what a faulty server reports
        self.game_rtps = _objects([rtp_text(g.theory().rtp) for g in topo.games])
        self.currency_codes = _objects([c.code for c in topo.currencies])
        self.currency_decimals = np.array([c.decimals for c in topo.currencies], dtype=np.int64)
        self.channels = _objects(list(topo.channels))
        self.wallets = _objects(list(topo.wallet_providers))
        self.features = _objects(list(FEATURES))
        self.modes = _objects(["paid", "free"])
        self.error_types = _objects(list(self.generator.error_types))
        self.status_codes = _objects(["Unset"] + ["Error"] * (len(self.generator.error_types) - 1))
        self.status_messages = _objects([""] + [error_message(e) for e in self.generator.error_types[1:]])
        self.resources = _objects([dict(Resource.create(i.resource_attributes()).attributes) for i in topo.instances])
        self.player_ids = self.generator.players.ids

    def money(self, spins: Spins) -> tuple[list[str], list[str]]:
        """Bet and win amounts as decimal strings in each spin's currency precision ("0" bet on free spins)."""
        decimals = self.currency_decimals[spins.currency]
        return (
            format_column(spins.bet_minor, decimals, zero_free=spins.is_free),
            format_column(spins.win_minor, decimals),
        )

    def session_ids(self, spins: Spins) -> list[str]:
        unique, inverse = np.unique(spins.session, return_inverse=True)
        return _objects([f"s-{x:016x}" for x in unique.tolist()])[inverse.ravel()].tolist()

    def attributes(self, spins: Spins, ids: SpinIds) -> list[dict[str, str]]:
        """The `spin` span's attributes, exactly the contract's, one dict per spin."""
        bet, win = self.money(spins)
        rows = zip(
            ids.spin_id,
            self.game_ids[spins.game].tolist(),
            self.game_versions[spins.game].tolist(),
            self.game_rtps[spins.game].tolist(),
            bet,
            win,
            self.currency_codes[spins.currency].tolist(),
            self.modes[spins.is_free.astype(np.int8)].tolist(),
            self.features[spins.feature].tolist(),
            self.player_ids[spins.player].tolist(),
            self.session_ids(spins),
            self.channels[spins.channel].tolist(),
            strict=True,
        )
        out = [
            {
                "slot.spin.id": s,
                "slot.game.id": g,
                "slot.game.version": v,
                "slot.game.rtp": r,
                "slot.bet.amount": b,
                "slot.win.amount": w,
                "slot.currency": c,
                "slot.spin.mode": m,
                "slot.feature": f,
                "slot.player.id": p,
                "slot.session.id": ss,
                "slot.channel": ch,
            }
            for s, g, v, r, b, w, c, m, f, p, ss, ch in rows
        ]
        errors = np.flatnonzero(spins.error)
        names = self.error_types[spins.error[errors]].tolist()
        for i, name in zip(errors.tolist(), names, strict=True):
            out[i]["error.type"] = name
        return out


def timestamps(ns: np.ndarray) -> list[str]:
    """Nanoseconds since the epoch as DateTime64(9) text "SECONDS.NNNNNNNNN".

    Between 2001 and 2286 the text is always 20 characters, so the digits are computed as
    a numpy array of code points and viewed as strings (2.5x faster than an f-string a row).
    """
    s, n = np.divmod(ns.astype(np.int64), 1_000_000_000)
    if len(s) == 0 or s.min() < 10**9 or s.max() >= 10**10:
        return [f"{a}.{b:09d}" for a, b in zip(s.tolist(), n.tolist(), strict=True)]
    digits = np.empty((len(s), 20), dtype=np.uint32)
    for k in range(9, -1, -1):
        digits[:, k] = s % 10 + 48
        s = s // 10
    digits[:, 10] = 46  # "."
    for k in range(19, 10, -1):
        digits[:, k] = n % 10 + 48
        n = n // 10
    return digits.view("U20").ravel().tolist()


def spin_span_columns(text: SpinText, spins: Spins, ids: SpinIds) -> dict[str, list]:
    """otel_traces columns of the `spin` root spans (nested Events/Links left to their defaults)."""
    n = len(spins)
    return {
        "Timestamp": timestamps(spins.ts_ns),
        "TraceId": ids.trace_id,
        "SpanId": ids.span_id,
        "ParentSpanId": [""] * n,
        "TraceState": [""] * n,
        "SpanName": ["spin"] * n,
        "SpanKind": ["Server"] * n,
        "ServiceName": ["slot-server"] * n,
        "ResourceAttributes": text.resources[spins.instance].tolist(),
        "ScopeName": [SCOPE_NAME] * n,
        "ScopeVersion": [SCOPE_VERSION] * n,
        "SpanAttributes": text.attributes(spins, ids),
        "Duration": spins.duration_ns.tolist(),
        "StatusCode": text.status_codes[spins.error].tolist(),
        "StatusMessage": text.status_messages[spins.error].tolist(),
    }


def detail_columns(
    text: SpinText, spins: Spins, ids: SpinIds, rng: np.random.Generator, with_steps: np.ndarray
) -> tuple[dict[str, list], dict[str, list]]:
    """Child-step spans (for spins where `with_steps`) and log records (every spin that logs).

    Both are per-row Python, so they are reserved for the few spins that need them.
    """
    stake = spins.stake_minor
    logs_needed = (spins.error > 0) | (spins.duration_ns > 1_000_000_000) | (spins.win_minor >= 50 * stake)
    chosen = np.flatnonzero(with_steps | logs_needed)
    spans: dict[str, list] = {
        k: []
        for k in (
            "Timestamp",
            "TraceId",
            "SpanId",
            "ParentSpanId",
            "TraceState",
            "SpanName",
            "SpanKind",
            "ServiceName",
            "ResourceAttributes",
            "ScopeName",
            "ScopeVersion",
            "SpanAttributes",
            "Duration",
            "StatusCode",
            "StatusMessage",
        )
    }
    logs: dict[str, list] = {
        k: []
        for k in (
            "Timestamp",
            "TraceId",
            "SpanId",
            "TraceFlags",
            "SeverityText",
            "SeverityNumber",
            "ServiceName",
            "Body",
            "ResourceSchemaUrl",
            "ResourceAttributes",
            "ScopeSchemaUrl",
            "ScopeName",
            "ScopeVersion",
            "ScopeAttributes",
            "LogAttributes",
            "EventName",
        )
    }
    if len(chosen) == 0:
        return spans, logs
    sub = spins.take(chosen)
    _, win = text.money(sub)
    wallets = text.wallets[sub.wallet].tolist()
    errors = text.error_types[sub.error].tolist()
    features = text.features[sub.feature].tolist()
    currencies = text.currency_codes[sub.currency].tolist()
    games = text.game_ids[sub.game].tolist()
    resources = text.resources[sub.instance].tolist()
    steps_wanted = with_steps[chosen].tolist()
    child_ids = iter(random_hex(rng, 6 * len(chosen), 8))
    for j, i in enumerate(chosen.tolist()):
        start, duration = int(sub.ts_ns[j]), int(sub.duration_ns[j])
        trace_id, span_id, spin_id = ids.trace_id[i], ids.span_id[i], ids.spin_id[i]
        if steps_wanted[j]:
            for step in spin_steps(
                duration, bool(sub.is_free[j]), features[j], bool(sub.win_minor[j] > 0), errors[j], wallets[j]
            ):
                attrs = dict(step.attributes)
                if step.error_type:
                    attrs["error.type"] = step.error_type
                _append_span(
                    spans,
                    start + step.offset_ns,
                    trace_id,
                    next(child_ids),
                    span_id,
                    step.name,
                    SPAN_KIND[step.kind],
                    resources[j],
                    attrs,
                    step.duration_ns,
                    "Error" if step.error_type else "Unset",
                    error_message(step.error_type) if step.error_type else "",
                )
        for event in spin_logs(
            spin_id,
            duration,
            errors[j],
            wallets[j],
            int(sub.stake_minor[j]),
            int(sub.win_minor[j]),
            win[j],
            currencies[j],
            games[j],
        ):
            ts = start + event.offset_ns
            for key, value in (
                ("Timestamp", f"{ts // 1_000_000_000}.{ts % 1_000_000_000:09d}"),
                ("TraceId", trace_id),
                ("SpanId", span_id),
                ("TraceFlags", 1),
                ("SeverityText", event.severity_text),
                ("SeverityNumber", event.severity_number),
                ("ServiceName", "slot-server"),
                ("Body", event.body),
                ("ResourceSchemaUrl", ""),
                ("ResourceAttributes", resources[j]),
                ("ScopeSchemaUrl", ""),
                ("ScopeName", SCOPE_NAME),
                ("ScopeVersion", SCOPE_VERSION),
                ("ScopeAttributes", {}),
                ("LogAttributes", event.attributes),
                ("EventName", ""),
            ):
                logs[key].append(value)
    return spans, logs


def _append_span(
    cols: dict[str, list],
    ts: int,
    trace_id: str,
    span_id: str,
    parent: str,
    name: str,
    kind: str,
    resource: dict,
    attrs: dict,
    duration: int,
    status: str,
    message: str,
) -> None:
    for key, value in (
        ("Timestamp", f"{ts // 1_000_000_000}.{ts % 1_000_000_000:09d}"),
        ("TraceId", trace_id),
        ("SpanId", span_id),
        ("ParentSpanId", parent),
        ("TraceState", ""),
        ("SpanName", name),
        ("SpanKind", kind),
        ("ServiceName", "slot-server"),
        ("ResourceAttributes", resource),
        ("ScopeName", SCOPE_NAME),
        ("ScopeVersion", SCOPE_VERSION),
        ("SpanAttributes", attrs),
        ("Duration", duration),
        ("StatusCode", status),
        ("StatusMessage", message),
    ):
        cols[key].append(value)
