"""Load a SQL model by name and run it with bound parameters."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from clickhouse_connect.driver.client import Client


class UnknownModel(LookupError):
    pass


@cache
def sql(name: str) -> str:
    """The text of model `name` ('reports/rpt_kpi'), header comment included."""
    path = resources.files("spinscope.queries").joinpath(*f"{name}.sql".split("/"))
    if not path.is_file():
        raise UnknownModel(f"no SQL model {name!r} under queries/ (expected queries/{name}.sql)")
    return path.read_text()


def run(client: Client, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run model `name` with `params` bound server-side; rows as dicts."""
    result = client.query(sql(name), parameters=params)
    return list(result.named_results())
