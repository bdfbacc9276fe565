"""OTLP/HTTP receiver: POST /v1/traces, /v1/metrics, /v1/logs (protobuf or JSON, optionally gzip).

Status codes follow the OTLP specification: 200 only once the rows are stored
(with partial_success when some records were rejected); 400 with a google.rpc.Status
for malformed input; 401 without the bearer token when one is configured; 413 past
the body limit, checked before and after decompression so a gzip bomb cannot
exhaust memory; 415 for other content types; 429 (queue full, or too many bytes
of bodies not yet decoded: ingest.admission) or 503 (store unavailable) with
Retry-After. Responses use the request's content type.
"""

from __future__ import annotations

import asyncio
import hmac
import zlib
from collections.abc import Awaitable, Callable
from concurrent.futures import Future

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .admission import BudgetSpent, Charge
from .decode import encode_response, encode_status
from .pipeline import RETRY_AFTER_S, Accepted, BadRequest, Overloaded, Pipeline, Unavailable

PROTOBUF = "application/x-protobuf"
JSON = "application/json"


class TooLarge(Exception):
    pass


def _media_type(content_type: str) -> str | None:
    base = content_type.split(";", 1)[0].strip().lower()
    if base in (PROTOBUF, JSON):
        return base
    return None


def gunzip_limited(body: bytes, limit: int) -> bytes:
    """Decompress gzip without ever holding more than `limit` bytes of output."""
    inflater = zlib.decompressobj(wbits=31)
    out = inflater.decompress(body, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise TooLarge(f"the decompressed body exceeds the {limit}-byte limit")
    if not inflater.eof:
        raise zlib.error("truncated gzip stream")
    return out


async def _read_limited(request: Request, limit: int, charge: Charge) -> bytes:
    """The whole body, charged to the budget before it is read (by Content-Length) or as it arrives."""
    header = request.headers.get("content-length", "")
    declared = int(header) if header.isdigit() else None
    if declared is not None and declared > limit:
        raise TooLarge(f"the body of {declared} bytes exceeds the {limit}-byte limit")
    if declared is not None:
        charge.add(declared)
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the body exceeds the {limit}-byte limit")
        if declared is None:
            charge.add(len(chunk))
        chunks.append(chunk)
    return b"".join(chunks)


def otlp_routes(pipeline: Pipeline, token: str | None, max_body_bytes: int) -> list[Route]:
    def status(code: int, message: str, media: str, headers: dict[str, str] | None = None) -> Response:
        return Response(encode_status(message, media), status_code=code, media_type=media, headers=headers)

    def endpoint(signal: str) -> Callable[[Request], Awaitable[Response]]:
        async def receive(request: Request) -> Response:
            media = _media_type(request.headers.get("content-type", ""))
            reply_media = media or PROTOBUF
            if token is not None:
                supplied = request.headers.get("authorization", "")
                if not hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode()):
                    return status(
                        401,
                        "missing or wrong bearer token (Authorization: Bearer <token>)",
                        reply_media,
                        {"WWW-Authenticate": "Bearer"},
                    )
            if media is None:
                return status(
                    415,
                    f"unsupported Content-Type {request.headers.get('content-type', '')!r}: send {PROTOBUF} or {JSON}",
                    reply_media,
                )
            charge = pipeline.body_budget.charge()
            try:
                body = await _read_limited(request, max_body_bytes, charge)
                encoding = request.headers.get("content-encoding", "identity").strip().lower()
                if encoding == "gzip":
                    compressed = len(body)
                    body = gunzip_limited(body, max_body_bytes)
                    charge.add(len(body))
                    charge.drop(compressed)
                elif encoding not in ("identity", ""):
                    return status(415, f"unsupported Content-Encoding {encoding!r}: send gzip or identity", media)
                decoded = pipeline.decode(signal, body, media)
            except BudgetSpent as exc:
                pipeline.counters.add(pipeline.counters.requests, (signal, "overloaded"))
                return status(429, f"{exc}; retry after {RETRY_AFTER_S}s", media, {"Retry-After": str(RETRY_AFTER_S)})
            except TooLarge as exc:
                return status(413, str(exc), media)
            except zlib.error as exc:
                return status(400, f"the body is not valid gzip: {exc}", media)
            finally:
                charge.release()
            del body  # from here on the rows count against the write queue; the body is garbage
            if isinstance(decoded, BadRequest):
                return status(400, decoded.message, media)
            submitted = pipeline.submit(signal, decoded)
            if not isinstance(submitted, Future):
                outcome = submitted
            else:
                try:
                    await asyncio.wait_for(asyncio.wrap_future(submitted), pipeline.ack_timeout_s)
                    outcome = pipeline.finish(signal, decoded, None)
                except TimeoutError:
                    outcome = Unavailable("the store is slow to acknowledge; retry later")
                except Exception as exc:
                    outcome = pipeline.finish(signal, decoded, exc)
            if isinstance(outcome, Accepted):
                body_out = encode_response(signal, outcome.rejected, outcome.message, media)
                return Response(body_out, status_code=200, media_type=media)
            if isinstance(outcome, Overloaded):
                return status(429, outcome.message, media, {"Retry-After": str(outcome.retry_after_s)})
            if isinstance(outcome, Unavailable):
                return status(503, outcome.message, media, {"Retry-After": str(outcome.retry_after_s)})
            return status(400, outcome.message, media)

        return receive

    return [Route(f"/v1/{signal}", endpoint(signal), methods=["POST"]) for signal in ("traces", "metrics", "logs")]
