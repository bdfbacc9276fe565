"""The RTP page's compliance section: four downloads whose bytes are made at the click, not on page load."""

from __future__ import annotations

from datetime import timedelta

from spinscope import ui
from spinscope.app import data
from spinscope.configuration import load_config
from spinscope.db import Store
from spinscope.export.compliance import gather_compliance
from spinscope.export.compliance_render import download


def test_the_section_offers_every_format_without_preparing_any_on_load(demo_store: Store, app_on) -> None:  # type: ignore[no-untyped-def]
    at = app_on(demo_store, "rtp")
    assert not at.exception, at.exception
    buttons = {b.proto.id: b.proto for b in at.get("download_button")}
    protos = [p for p in buttons.values() if "compliance_" in p.id]
    assert len(protos) == 4
    yesterday = data.now_minute().date() - timedelta(days=1)
    first = yesterday - timedelta(days=6)
    labels = sorted(p.label for p in protos)
    assert labels == ["CSV", "HTML", "PDF", "XLSX"]
    # nothing was rendered into the page: no bytes behind a media URL, the data is a deferred callable
    assert all(not p.url for p in protos)
    assert at.date_input(key="compliance_from").value == first
    assert at.date_input(key="compliance_to").value == yesterday


def test_the_click_builds_the_same_bytes_as_the_export(demo_store: Store) -> None:
    ui.register(demo_store, None)
    try:
        last = data.now_minute().date()
        first = last - timedelta(days=1)
        build = data.compliance_builder(first, last, "csv", "")
        expected = download(gather_compliance(demo_store.client(), first, last, load_config()), "csv")[1]
        assert build() == expected
    finally:
        ui.register(None)
