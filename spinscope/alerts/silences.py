"""Silences and maintenance windows, pure: parsing matchers and deciding whether one covers an alert.

A silence holds equality matchers (label = value; every one must hold) and a [start, end) span.
It stops notifications only: the alert is still evaluated, recorded and listed (as silenced).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from spinscope.errors import UserError


class SilenceError(UserError):
    """A silence that cannot be created; the message says what to fix."""


def parse_matchers(items: Iterable[str]) -> dict[str, str]:
    """`label=value` items into a mapping; at least one is required (a silence of everything is a mistake)."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip() or not value:
            raise SilenceError(f"matcher {item!r}: write LABEL=VALUE, e.g. alertname=RtpDrift or game_id=fortune-tiger")
        out[key.strip()] = value
    if not out:
        raise SilenceError("a silence needs at least one matcher (--match LABEL=VALUE); it would silence everything")
    return out


def covers(silence: Mapping[str, Any], labels: Mapping[str, str], at: datetime) -> bool:
    """Whether `silence` (matchers, starts_at, ends_at) is in force at `at` and matches `labels`."""
    if not silence["starts_at"] <= at < silence["ends_at"]:
        return False
    return all(labels.get(k) == v for k, v in silence["matchers"].items())


def silenced_by(silences: Iterable[Mapping[str, Any]], labels: Mapping[str, str], at: datetime) -> str | None:
    """The id of the first silence covering `labels` at `at`, or None."""
    for silence in silences:
        if covers(silence, labels, at):
            return str(silence["silence_id"])
    return None
