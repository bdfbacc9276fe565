"""The shape of one spin's telemetry beyond its attributes: child steps and log records.

Shared by the live SDK path (`sim.telemetry`) and the demo rows (`sim.rows`), so a spin
looks the same whichever way it reached the store. Pure functions of the spin's fields:
no randomness, no I/O. Steps run in the order a slot server runs them: debit the stake
(paid spins), draw, evaluate reels, evaluate the feature, credit the win, save state. A
failed spin stops at the failing step, which carries `error.type`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCOPE_NAME = "slot-server"
SCOPE_VERSION = "2026.11"
STATE_DB = "postgresql"
BIG_WIN_MULTIPLE = 50  # a win of at least 50x the stake is logged at INFO
SLOW_SPIN_NS = 1_000_000_000  # an ok spin slower than this is logged at WARN

# step name, span kind, start and length as shares of the spin's duration
_STEPS: tuple[tuple[str, str, float, float], ...] = (
    ("wallet.debit", "client", 0.04, 0.22),
    ("rng.draw", "internal", 0.28, 0.04),
    ("reels.evaluate", "internal", 0.33, 0.12),
    ("feature.evaluate", "internal", 0.46, 0.16),
    ("wallet.credit", "client", 0.63, 0.14),
    ("state.save", "client", 0.79, 0.17),
)
ERROR_MESSAGES = {
    "wallet_timeout": "wallet debit timed out",
    "rng_unavailable": "random number service unavailable",
    "state_save_timeout": "saving game state timed out",
}


@dataclass(frozen=True)
class Step:
    """One child span of a spin: offsets are nanoseconds from the spin's start."""

    name: str
    kind: str  # "internal" or "client"
    offset_ns: int
    duration_ns: int
    attributes: dict[str, str] = field(default_factory=dict)
    error_type: str = ""


@dataclass(frozen=True)
class LogEvent:
    """One log record written while a spin runs (it carries the spin's trace and span ids)."""

    offset_ns: int
    severity_number: int
    severity_text: str
    body: str
    attributes: dict[str, str]


def failing_step(error_type: str) -> str:
    """The step a failure class happens in (unknown classes fail while saving state)."""
    if error_type.startswith("wallet"):
        return "wallet.debit"
    if error_type.startswith("rng"):
        return "rng.draw"
    if error_type.startswith("reels"):
        return "reels.evaluate"
    return "state.save"


def error_message(error_type: str) -> str:
    return ERROR_MESSAGES.get(error_type, error_type.replace("_", " "))


def spin_steps(
    duration_ns: int, is_free: bool, feature: str, won: bool, error_type: str, wallet_provider: str
) -> list[Step]:
    """The child steps of one spin, laid out inside its duration."""
    failing = failing_step(error_type) if error_type else ""
    wallet = {"wallet.provider": wallet_provider, "server.address": f"api.{wallet_provider}.example"}
    out = []
    for name, kind, start, length in _STEPS:
        if name == "wallet.debit" and is_free:
            continue
        if name == "feature.evaluate" and (feature == "none" or error_type):
            continue
        if name == "wallet.credit" and (not won or error_type):
            continue
        if name == failing:
            # The failing step takes the rest of the spin (a timeout is most of it).
            offset = int(duration_ns * start)
            out.append(Step(name, kind, offset, int(duration_ns * 0.98) - offset, _attrs(name, wallet), error_type))
            return out
        out.append(Step(name, kind, int(duration_ns * start), int(duration_ns * length), _attrs(name, wallet)))
    return out


def _attrs(name: str, wallet: dict[str, str]) -> dict[str, str]:
    if name.startswith("wallet."):
        return dict(wallet)
    if name == "state.save":
        return {"db.system.name": STATE_DB}
    return {}


def spin_logs(
    spin_id: str,
    duration_ns: int,
    error_type: str,
    wallet_provider: str,
    stake_minor: int,
    win_minor: int,
    win_text: str,
    currency: str,
    game_id: str,
) -> list[LogEvent]:
    """Log records of one spin: ERROR when it fails, WARN when slow, INFO on a big win."""
    at = max(duration_ns - 1000, 0)
    if error_type:
        attrs = {"slot.spin.id": spin_id, "error.type": error_type}
        if failing_step(error_type).startswith("wallet"):
            attrs["wallet.provider"] = wallet_provider
        return [LogEvent(at, 17, "ERROR", f"spin {spin_id} failed: {error_message(error_type)}", attrs)]
    out = []
    if duration_ns > SLOW_SPIN_NS:
        out.append(
            LogEvent(at, 13, "WARN", f"slow spin {spin_id}: {duration_ns // 1_000_000} ms", {"slot.spin.id": spin_id})
        )
    if stake_minor and win_minor >= BIG_WIN_MULTIPLE * stake_minor:
        out.append(
            LogEvent(
                at,
                9,
                "INFO",
                f"big win on {game_id}: {win_text} {currency} ({win_minor // stake_minor}x the stake)",
                {"slot.spin.id": spin_id, "slot.win.amount": win_text, "slot.currency": currency},
            )
        )
    return out
