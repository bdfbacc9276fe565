"""A terminal progress bar for long work (demo loads, exports); plain lines when not on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, what: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.what = what
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self._last_tenth = -1
        self._tty = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        fraction = min(1.0, done / total) if total else 1.0
        elapsed = time.monotonic() - self.started
        if self._tty:
            filled = int(self.width * fraction)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r{self.what} [{bar}] {fraction:4.0%} {done:,}/{total:,} {elapsed:4.0f}s")
            self.stream.flush()
        elif int(fraction * 10) > self._last_tenth:
            self._last_tenth = int(fraction * 10)
            self.stream.write(f"{self.what}: {fraction:.0%} ({done:,} of {total:,}, {elapsed:.0f}s)\n")
            self.stream.flush()

    def finish(self) -> None:
        if self._tty:
            self.stream.write("\n")
            self.stream.flush()
