"""Load a SQL model by name and run it with bound parameters."""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template
from typing import Any

from clickhouse_connect.driver.client import Client

from spinscope.schema.fragments import fragments


class UnknownModel(LookupError):
    pass


@cache
def sql(name: str) -> str:
    """The text of model `name` ('reports/rpt_kpi'), header comment included, shared fragments rendered.

    `$name` placeholders are the SQL building blocks of spinscope.schema.fragments (the latency
    ladder, the rollups' dimensions); an unknown placeholder fails here, not in the engine.
    """
    path = resources.files("spinscope.queries").joinpath(*f"{name}.sql".split("/"))
    if not path.is_file():
        raise UnknownModel(f"no SQL model {name!r} under queries/ (expected queries/{name}.sql)")
    return Template(path.read_text()).substitute(fragments())


def run(client: Client, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run model `name` with `params` bound server-side; rows as dicts."""
    result = client.query(sql(name), parameters=params)
    return list(result.named_results())
