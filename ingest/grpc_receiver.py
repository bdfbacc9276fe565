"""OTLP/gRPC receiver: the collector's TraceService, MetricsService and LogsService.

The handlers take the raw request bytes and go through the same Pipeline as
OTLP/HTTP, so both transports decode, validate and acknowledge identically.
Malformed input is INVALID_ARGUMENT (not retried); a full queue or an unavailable
store is UNAVAILABLE with a RetryInfo detail, which OTLP exporters retry after the
given delay; a missing bearer token is UNAUTHENTICATED.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

from .decode import encode_response
from .pipeline import Accepted, BadRequest, Overloaded, Pipeline, Unavailable

PROTOBUF = "application/x-protobuf"
SERVICES = {
    "traces": "opentelemetry.proto.collector.trace.v1.TraceService",
    "metrics": "opentelemetry.proto.collector.metrics.v1.MetricsService",
    "logs": "opentelemetry.proto.collector.logs.v1.LogsService",
}


def _abort_retryable(context: grpc.ServicerContext, message: str, retry_after_s: int) -> None:
    retry = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=retry_after_s))
    detail = any_pb2.Any()
    detail.Pack(retry)
    rich = status_pb2.Status(code=code_pb2.UNAVAILABLE, message=message, details=[detail])
    context.set_trailing_metadata((("grpc-status-details-bin", rich.SerializeToString()),))
    context.abort(grpc.StatusCode.UNAVAILABLE, message)


# A bearer token in clear, or a check called with the `authorization` metadata that answers None to
# admit, else (401 or 403, message): how spinscope.access applies its roles to this receiver.
Authorize = str | Callable[[str], tuple[int, str] | None] | None


def _handler(pipeline: Pipeline, signal: str, token: Authorize) -> Callable[[bytes, grpc.ServicerContext], bytes]:
    def export(request: bytes, context: grpc.ServicerContext) -> bytes:
        if callable(token):
            refused = token(str(dict(context.invocation_metadata()).get("authorization", "")))
            if refused is not None:
                code = grpc.StatusCode.UNAUTHENTICATED if refused[0] == 401 else grpc.StatusCode.PERMISSION_DENIED
                context.abort(code, refused[1])
        elif token is not None:
            supplied = dict(context.invocation_metadata()).get("authorization", "")
            if not hmac.compare_digest(str(supplied).encode(), f"Bearer {token}".encode()):
                context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong bearer token")
        outcome = pipeline.handle(signal, request, PROTOBUF)
        if isinstance(outcome, Accepted):
            return encode_response(signal, outcome.rejected, outcome.message, PROTOBUF)
        if isinstance(outcome, BadRequest):
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, outcome.message)
        if isinstance(outcome, Overloaded | Unavailable):
            _abort_retryable(context, outcome.message, outcome.retry_after_s)
        context.abort(grpc.StatusCode.INTERNAL, "unexpected outcome")  # unreachable
        return b""

    return grpc.unary_unary_rpc_method_handler(export)  # bytes in, bytes out


def start_grpc(
    pipeline: Pipeline, host: str, port: int, token: Authorize, max_body_bytes: int, workers: int = 8
) -> tuple[grpc.Server, int]:
    """Start the gRPC server in its own threads; returns it and the bound port."""
    server = grpc.server(
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="otlp-grpc"),
        options=[("grpc.max_receive_message_length", max_body_bytes)],
        maximum_concurrent_rpcs=workers * 4,
    )
    handlers = [
        grpc.method_handlers_generic_handler(service, {"Export": _handler(pipeline, signal, token)})
        for signal, service in SERVICES.items()
    ]
    server.add_generic_rpc_handlers(handlers)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"cannot listen for OTLP/gRPC on {host}:{port}")
    server.start()
    return server, bound
