"""Property tests against the live OTLP/HTTP receiver: arbitrary and mutated bodies never cause a 5xx."""

from __future__ import annotations

import gzip

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.test_http_receiver import PB, request, spin_span

VALID = request([spin_span(1), spin_span(2)]).SerializeToString()
CONTENT_TYPES = st.sampled_from([PB, "application/json", "application/json; charset=utf-8"])


def mutate(data: bytes, flips: list[tuple[int, int]], cut: int) -> bytes:
    buf = bytearray(data)
    for position, value in flips:
        buf[position % len(buf)] = value
    return bytes(buf[: max(1, cut % (len(buf) + 1))])


def check(reply: httpx.Response) -> None:
    assert reply.status_code < 500, (reply.status_code, reply.content[:200])
    if reply.status_code >= 400:
        assert reply.content, "4xx answers carry a Status message"


def test_arbitrary_and_mutated_bodies_get_2xx_or_clear_4xx(live_service) -> None:  # type: ignore[no-untyped-def]
    base = f"http://127.0.0.1:{live_service.http_port}"
    client = httpx.Client(timeout=30)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        path=st.sampled_from(["/v1/traces", "/v1/metrics", "/v1/logs"]),
        content_type=CONTENT_TYPES,
        body=st.one_of(
            st.binary(max_size=2048),
            st.builds(
                mutate,
                st.just(VALID),
                st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
                st.integers(0, 10_000),
            ),
            st.text(max_size=500).map(str.encode),
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                lambda inner: (
                    st.lists(inner, max_size=4)
                    | st.dictionaries(
                        st.sampled_from(
                            [
                                "resourceSpans",
                                "scopeSpans",
                                "spans",
                                "traceId",
                                "spanId",
                                "resourceLogs",
                                "resourceMetrics",
                                "attributes",
                                "kind",
                            ]
                        ),
                        inner,
                        max_size=4,
                    )
                ),
                max_leaves=20,
            ).map(lambda v: __import__("json").dumps(v).encode()),
        ),
        gzipped=st.booleans(),
    )
    def one(path: str, content_type: str, body: bytes, gzipped: bool) -> None:
        headers = {"Content-Type": content_type}
        if gzipped:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        check(client.post(base + path, content=body, headers=headers))

    one()
    assert client.get(base + "/healthz").status_code == 200
