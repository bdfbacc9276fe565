"""The configuration a process runs with, read and validated once: SLO specs, game catalog, currencies,
compliance settings, alerting.

A config folder holds `slos/*.yaml` (OpenSLO specs), `games.yaml` (the game catalog),
`currencies.yaml` (each currency's scale; a folder without one uses the shipped table) and, optionally,
`compliance.yaml` (the RTP compliance report's window, confidence, volume and stake bands) and
`alerting.yaml` (receivers, routes, alert rule settings; spinscope.alerts.config); the
shipped one is package data (`spinscope.config`), read through importlib.resources so an
installed wheel works like a checkout. Front ends load a `Config` at start and hand it (or a
`LiveConfig` that reloads on SIGHUP or a changed file) to the functions that need it: no call
re-reads a directory path per request.

A reload that fails validation keeps the previous configuration and logs why: a typo in a
running service's SLO file must not take its dashboards down.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from spinscope.alerts.config import ALERTING_FILE, AlertingConfig, load_alerting
from spinscope.auth import AUTH_FILE, AuthConfig, AuthConfigError, load_auth
from spinscope.catalog import CatalogEntry, load_catalog
from spinscope.currencies import CURRENCIES_FILE, load_currencies
from spinscope.rtp.compliance import COMPLIANCE_FILE, ComplianceSettings, load_compliance_settings
from spinscope.slo.metric_source import SloSpecError
from spinscope.slo.spec import SloSpec, load_slos

log = logging.getLogger("spinscope.config")

CATALOG_FILE = "games.yaml"
SLO_FOLDER = "slos"


def shipped_dir() -> Path:
    """The config folder shipped with the package (SLO specs and the demo games' catalog)."""
    return Path(str(resources.files("spinscope.config")))


@dataclass(frozen=True)
class Config:
    """Everything read from one config folder, validated."""

    directory: Path
    slos: tuple[SloSpec, ...]
    catalog: dict[tuple[str, str], CatalogEntry] = field(default_factory=dict)
    currencies: dict[str, int] = field(default_factory=dict)
    """{currency code: fractional digits its amounts may have}; codes not listed get DEFAULT_SCALE."""
    compliance: ComplianceSettings = field(default_factory=ComplianceSettings)
    alerting: AlertingConfig = field(default_factory=AlertingConfig)
    auth: AuthConfig = field(default_factory=AuthConfig)

    @property
    def catalog_path(self) -> Path:
        return self.directory / CATALOG_FILE

    def slo(self, name: str) -> SloSpec:
        for spec in self.slos:
            if spec.name == name:
                return spec
        raise SloSpecError(
            f"no SLO named {name!r} in {self.directory / SLO_FOLDER}; "
            f"known: {', '.join(s.name for s in self.slos) or 'none'}"
        )


def load_config(directory: str | Path | None = None) -> Config:
    """Read and validate the config folder `directory` (default: the shipped one)."""
    root = Path(directory) if directory else shipped_dir()
    if not (root / SLO_FOLDER).is_dir():
        raise SloSpecError(
            f"{root}: no {SLO_FOLDER}/ folder with SLO specs; pass --config DIR holding "
            f"{SLO_FOLDER}/*.yaml (and {CATALOG_FILE})"
        )
    catalog_path = root / CATALOG_FILE
    catalog = load_catalog(catalog_path) if catalog_path.is_file() else {}
    compliance_path = root / COMPLIANCE_FILE
    compliance = load_compliance_settings(compliance_path) if compliance_path.is_file() else ComplianceSettings()
    currencies_path = root / CURRENCIES_FILE
    if not currencies_path.is_file():
        currencies_path = shipped_dir() / CURRENCIES_FILE
    return Config(
        directory=root,
        slos=tuple(load_slos(root / SLO_FOLDER)),
        catalog=catalog,
        currencies=load_currencies(currencies_path),
        compliance=compliance,
        alerting=load_alerting(root),
        auth=load_auth(root / AUTH_FILE),
    )


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the files a Config is read from: cheap change detection."""
    paths = [
        root / CATALOG_FILE,
        root / CURRENCIES_FILE,
        root / COMPLIANCE_FILE,
        root / ALERTING_FILE,
        root / AUTH_FILE,
        *sorted((root / SLO_FOLDER).glob("*.y*ml")),
    ]
    out = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(out)


class LiveConfig:
    """The configuration of a long-running process: reloaded on `reload()` (SIGHUP) or a changed file.

    `get()` is called per request; it looks at the files' modification times at most every
    `check_every_s` seconds, so the cost stays a few `stat` calls a second at most.
    """

    def __init__(self, config: Config, check_every_s: float = 2.0) -> None:
        self._config = config
        self._signature = _signature(config.directory)
        self._checked = time.monotonic()
        self._check_every_s = check_every_s
        self._lock = threading.Lock()
        self.last_error: str | None = None

    @classmethod
    def load(cls, directory: str | Path | None = None) -> LiveConfig:
        return cls(load_config(directory))

    def get(self) -> Config:
        now = time.monotonic()
        if now - self._checked >= self._check_every_s:
            self._checked = now
            if _signature(self._config.directory) != self._signature:
                self.reload()
        return self._config

    def reload(self) -> bool:
        """Read the folder again; on an invalid file keep the current configuration (and say why)."""
        with self._lock:
            signature = _signature(self._config.directory)
            try:
                fresh = load_config(self._config.directory)
            except (SloSpecError, AuthConfigError, ValueError, OSError) as exc:
                self._signature = signature  # do not retry the same broken files every call
                self.last_error = str(exc)
                log.error("configuration not reloaded, keeping the previous one: %s", exc)
                return False
            self._config, self._signature, self.last_error = fresh, signature, None
            log.info("configuration reloaded from %s", fresh.directory)
            return True
