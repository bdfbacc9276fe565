"""spinscope.ui.run_app hosts the app in the serving process, on the Store the receivers write to."""

from __future__ import annotations

import socket

import httpx
import pytest

from spinscope import ui
from spinscope.configuration import LiveConfig
from spinscope.db import Store
from spinscope.server import ServeOptions, Service


def test_the_app_runs_next_to_the_receivers_on_their_store(store: Store) -> None:
    service = Service(store, ServeOptions(otlp_http_port=0, otlp_grpc_port=0))
    service.start()
    app = ui.run_app(store, "127.0.0.1", 0)
    try:
        assert app.port > 0
        assert ui.hosted().store is store
        assert httpx.get(f"{app.url}/_stcore/health", timeout=10).text == "ok"
        assert "<title>" in httpx.get(app.url, timeout=10).text
        assert httpx.get(f"http://127.0.0.1:{service.http_port}/healthz", timeout=10).status_code == 200
    finally:
        app.stop()
        service.stop()
        ui.register(None)
    assert app.wait(10)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{app.url}/_stcore/health", timeout=2)


def test_a_taken_port_is_an_error_not_a_silent_other_port(store: Store) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=f"127.0.0.1:{port}"):
            ui.run_app(store, "127.0.0.1", port)
    ui.register(None)


def test_a_dsn_is_registered_for_the_data_layer_to_open() -> None:
    live = LiveConfig.load()
    hosted = ui.register("http://user:pw@clickhouse:8123/spinscope", live, database="analytics")
    assert (hosted.dsn, hosted.database, hosted.config) == (
        "http://user:pw@clickhouse:8123/spinscope",
        "analytics",
        live,
    )
    ui.register(None)
