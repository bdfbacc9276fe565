"""Currency scales: how many fractional digits an amount in each currency may have.

The table lives in the config folder (`currencies.yaml`: ISO 4217 minor units plus crypto
currencies' on-chain decimals); a currency not listed may have `DEFAULT_SCALE` digits, the most
`spins` holds. The money check itself runs in SQL, in the `spins_mv` view, because that is the
one path every spin takes (spinscope's receivers and the OpenTelemetry Collector's exporter
alike), so the view needs the table inside the store: `sync_scales` copies it into
`currency_scales` as a new version, in one insert, only when it changed. The view reads the
newest version on every insert, so a change applies from the next insert on and no insert sees
a half-written table. Holds no money arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from clickhouse_connect.driver.client import Client

from spinscope.db import quote_identifier
from spinscope.errors import UserError

CURRENCIES_FILE = "currencies.yaml"
TABLE = "currency_scales"
DEFAULT_SCALE = 18
"""The scale of a currency the table does not list: spins hold Decimal(38, 18)."""
MAX_SCALE = 18
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


class CurrencyError(UserError, ValueError):
    """A currencies file that cannot be used; the message names the file, the code and the fix."""


def parse_currencies(document: Any, source: str) -> dict[str, int]:
    """{code: scale} from a read currencies document, validated."""
    if not isinstance(document, dict) or not isinstance(document.get("currencies"), dict):
        raise CurrencyError(
            f"{source}: currencies: missing or not a mapping; write `currencies:` then one `CODE: scale` line each"
        )
    scales: dict[str, int] = {}
    for code, scale in document["currencies"].items():
        if not isinstance(code, str) or not _CODE.match(code):
            raise CurrencyError(
                f"{source}: currencies: {code!r} is not a currency code; write it as slot.currency carries it, "
                "quoted if YAML would read it otherwise (e.g. 'NO', 'ON')"
            )
        if isinstance(scale, bool) or not isinstance(scale, int) or not 0 <= scale <= MAX_SCALE:
            raise CurrencyError(
                f"{source}: currencies.{code}: scale {scale!r} is not a whole number of fractional digits "
                f"from 0 to {MAX_SCALE}; fix it (e.g. 2 for cents, 8 for satoshis)"
            )
        scales[code] = scale
    return scales


def load_currencies(path: str | Path) -> dict[str, int]:
    """Read and validate a currencies file."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise CurrencyError(f"{path}: cannot be read ({exc.strerror}); fix the path or the permissions") from exc
    except yaml.YAMLError as exc:
        raise CurrencyError(f"{path}: not valid YAML ({exc}); fix the syntax") from exc
    return parse_currencies(document, str(path))


def shipped_currencies() -> dict[str, int]:
    """The table shipped in the package's config folder."""
    return load_currencies(Path(str(resources.files("spinscope.config") / CURRENCIES_FILE)))


def scale_of(scales: Mapping[str, int], currency: str) -> int:
    """The fractional digits an amount in `currency` may have."""
    return scales.get(currency, DEFAULT_SCALE)


def stored_scales(client: Client, database: str) -> dict[str, int]:
    """The newest version of the table in the store ({} when never synced)."""
    table = f"{quote_identifier(database)}.{TABLE}"
    rows = client.query(
        f"SELECT currency, scale FROM {table} WHERE version = (SELECT max(version) FROM {table})"
    ).result_rows
    return {str(code): int(scale) for code, scale in rows}


def sync_scales(client: Client, database: str, scales: Mapping[str, int]) -> bool:
    """Store `scales` as the view's currency table unless it holds them already; True when written.

    One insert of a few hundred rows is one block, hence atomic: the view sees the old version or
    the new one, never a mixture. Old versions stay (a few kilobytes each) as the table's history.
    """
    if stored_scales(client, database) == dict(scales):
        return False
    table = f"{quote_identifier(database)}.{TABLE}"
    version = int(client.query(f"SELECT max(version) FROM {table}").result_rows[0][0]) + 1
    rows = [[version, code, scale] for code, scale in sorted(scales.items())]
    if not rows:  # an empty table must still be a version, or the previous one would stay in force
        rows = [[version, "", DEFAULT_SCALE]]
    client.insert(table, rows, column_names=["version", "currency", "scale"])
    return True
