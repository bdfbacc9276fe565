"""What every command shares: the store options, opening the store, loading the configuration, and the
read commands' path to their endpoint (locally, or through the `serve` that holds the embedded store).

Settings resolve argument > environment > default (spinscope.settings).
"""

from __future__ import annotations

import argparse
from typing import Any

from spinscope import jsonout
from spinscope.configuration import Config, load_config
from spinscope.db import Store, StoreError, StoreLocked, open_store
from spinscope.endpoints import ENDPOINTS, Endpoint
from spinscope.settings import SETTINGS, default_store_dsn, resolve

HELP = {s.name: s.help for s in SETTINGS}


def add_store_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", help=HELP["store"] + " Env: SPINSCOPE_STORE.")
    parser.add_argument("--data-dir", help=HELP["data_dir"] + " Env: SPINSCOPE_DATA_DIR.")
    parser.add_argument("--database", help=HELP["database"] + " Env: SPINSCOPE_DATABASE.")


def add_config_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help=HELP["config"] + " Env: SPINSCOPE_CONFIG.")


def add_endpoint_args(parser: argparse.ArgumentParser, endpoint: Endpoint) -> None:
    """The endpoint's parameters as options (`--baseline-start`), a path parameter as a positional one.

    Values stay text: the endpoint parses them, exactly as it parses the API's query string.
    """
    for p in endpoint.params:
        if p.in_path:
            parser.add_argument(p.name, help=p.help or None)
        elif p.many:
            parser.add_argument(
                "--" + p.name.replace("_", "-"),
                dest=p.name,
                action="append",
                default=[],
                metavar="KEY=VALUE",
                help=p.help or None,
            )
        else:
            parser.add_argument("--" + p.name.replace("_", "-"), dest=p.name, required=p.required, help=p.help or None)
    parser.add_argument("--json", action="store_true", help=f"Print JSON (the same as GET {endpoint.path}).")


def store_dsn(args: argparse.Namespace) -> str:
    dsn = resolve("store", getattr(args, "store", None))
    if dsn:
        return str(dsn)
    return default_store_dsn(resolve("data_dir", getattr(args, "data_dir", None)))


def open_args(args: argparse.Namespace) -> Store:
    return open_store(store_dsn(args), resolve("database", getattr(args, "database", None)))


def config_of(args: argparse.Namespace) -> Config:
    return load_config(resolve("config", getattr(args, "config", None)))


def render_options(args: argparse.Namespace) -> Any:
    from spinscope.schema.migrate import RenderOptions

    return RenderOptions(
        database=resolve("database", getattr(args, "database", None)),
        cluster=resolve("cluster", getattr(args, "cluster", None)),
        raw_ttl_days=resolve("raw_ttl_days"),
        spins_ttl_days=resolve("spins_ttl_days"),
    )


def ask(args: argparse.Namespace, name: str) -> Any:
    """Endpoint `name`'s answer to the command's arguments, as JSON-ready data.

    Parameters and the configuration are checked here first, so a mistake is reported the same
    way whether the store is opened locally or the running `serve` is asked (it holds the
    embedded store; its API answers the same declaration).
    """
    endpoint = ENDPOINTS[name]
    raw = {p.name: getattr(args, p.name, None) for p in endpoint.params}
    config = config_of(args)
    parsed = endpoint.parse(raw)
    try:
        store = open_args(args)
    except StoreLocked as exc:
        api = exc.holder.get("api")
        if not api:
            raise
        return _ask_server(api, endpoint, raw)
    try:
        return jsonout.plain(endpoint.run(store.reader(), config, parsed))
    finally:
        store.close()


def _ask_server(api: str, endpoint: Endpoint, raw: dict[str, Any]) -> Any:
    import httpx

    from spinscope.settings import resolve as setting

    token = setting("api_token")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = api + endpoint.url_path(raw)
    try:
        reply = httpx.get(url, params=endpoint.query(raw), headers=headers, timeout=120)
        payload = reply.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise StoreError(f"asking the running serve at {url} failed: {exc}") from None
    if reply.status_code in (401, 403):
        raise StoreError(f"{url}: {payload.get('error')}; set SPINSCOPE_API_TOKEN to such a token")
    if reply.status_code != 200:
        raise StoreError(f"{url}: {payload.get('error', reply.status_code)}")
    return payload


def print_payload(args: argparse.Namespace, payload: Any, name: str, empty: str = "nothing in this window") -> None:
    """`--json` prints the payload as the API would; otherwise the endpoint's table columns."""
    from spinscope import textout

    if getattr(args, "json", False):
        print(jsonout.dumps(payload, indent=2))
        return
    endpoint = ENDPOINTS[name]
    rows = payload[endpoint.rows]
    print(textout.table(rows, endpoint.columns) if rows else empty)
