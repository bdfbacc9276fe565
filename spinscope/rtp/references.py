"""Theoretical RTP references per game version: the catalog, overridden by what spans declare.

A version with no catalog entry and no declared RTP has no reference: it is listed as
such and never compared against a guess. The standard deviation only comes from the
catalog; a span-declared RTP without a catalog σ gives a reference without a band.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from clickhouse_connect.driver.client import Client

from spinscope.catalog import Catalog
from spinscope.queries.loader import run
from spinscope.times import utc_naive


@dataclass(frozen=True)
class Reference:
    rtp: Decimal
    std_dev: Decimal | None
    hit_frequency: Decimal | None
    source: str  # 'catalog' | 'span'


def game_references(
    client: Client, start: datetime, end: datetime, catalog: Catalog
) -> dict[tuple[str, str], Reference]:
    refs = {key: Reference(e.rtp, e.std_dev, e.hit_frequency, "catalog") for key, e in catalog.items()}
    for row in run(client, "rtp/rtp_span_reference", start=utc_naive(start), end=utc_naive(end)):
        key = (row["game_id"], row["game_version"])
        if int(row["distinct_values"]) != 1 or row["declared_rtp"] is None:
            continue
        declared = Decimal(row["declared_rtp"]).normalize()
        base = refs.get(key)
        # The same figure at more digits is not an override (the catalog rounds to its precision).
        if base is None or declared.quantize(base.rtp) != base.rtp:
            refs[key] = Reference(
                declared, base.std_dev if base else None, base.hit_frequency if base else None, "span"
            )
    return refs
