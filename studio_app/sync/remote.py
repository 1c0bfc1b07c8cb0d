"""S3-compatible remote on boto3: the few calls sync needs, with errors mapped to sync errors.

Why boto3 (docs/sync.md has the comparison): it is already a runtime dependency; its
PutObject and CompleteMultipartUpload take ``IfMatch``/``IfNoneMatch``; it exposes every
multipart call (create, upload part, list parts, complete, abort, list uploads) that resuming
an interrupted upload needs; it speaks to moto, MinIO, R2 and AWS alike; botocore's
"standard" retry mode already retries 503 SlowDown, 500/502/504 and throttling with jittered
backoff, so retries live in one layer.
"""

from __future__ import annotations

import builtins
import collections
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    IncompleteReadError,
    ReadTimeoutError,
    ResponseStreamingError,
)
from urllib3.exceptions import HTTPError as Urllib3HTTPError
from urllib3.exceptions import ProtocolError

from .credentials import Credentials
from .errors import (
    PreconditionFailedError,
    RemoteError,
    RemoteNotFoundError,
    SyncAccessError,
    SyncOfflineError,
)

if TYPE_CHECKING:
    from .settings import SyncSettings

_OFFLINE = (EndpointConnectionError, ConnectTimeoutError, ConnectionClosedError)
STREAM_ERRORS = (ResponseStreamingError, IncompleteReadError, ProtocolError, Urllib3HTTPError, ReadTimeoutError,
                 ConnectionError, ConnectionClosedError)
"""Errors raised while reading a response body (a dropped connection mid-download)."""


class WritableSink(Protocol):
    """Where ``stream_to`` writes a body: a binary file or a wrapper (``write(bytes) -> int``)."""

    def write(self, data: bytes, /) -> int:
        """Write ``data``; returns the byte count."""
        ...


@dataclass(frozen=True)
class RemoteConfig:
    """Where the bucket is.

    Attributes:
        endpoint_url: ``https://…`` or ``http://127.0.0.1:PORT``; None means AWS.
        region: signing region (``us-east-1`` for most S3-compatible servers).
        bucket: bucket name.
        max_attempts: botocore standard-mode attempts per request (first try included).
        max_connections: HTTP connection pool size (= transfer threads).
        connect_timeout, read_timeout: seconds.
    """

    endpoint_url: str | None
    region: str
    bucket: str
    max_attempts: int = 5
    max_connections: int = 16
    connect_timeout: float = 5.0
    read_timeout: float = 30.0


@dataclass(frozen=True)
class ListedObject:
    """One key of a listing (etag without quotes, size in bytes)."""

    key: str
    etag: str
    size: int


_SESSION_LOCK = threading.Lock()
_SESSION: boto3.session.Session | None = None


def _session() -> boto3.session.Session:
    """One boto3 session per process: its loader caches the parsed S3 service model, so later
    clients build in milliseconds instead of ~0.2 s. Client creation is not thread-safe: callers
    hold ``_SESSION_LOCK``."""
    global _SESSION
    if _SESSION is None:
        _SESSION = boto3.session.Session()
    return _SESSION


def _strip(etag: str | None) -> str:
    return (etag or "").strip('"')


def _quote(etag: str) -> str:
    return etag if etag.startswith('"') else f'"{etag}"'


class S3Remote:
    """The bucket, through one thread-safe boto3 client.

    ``requests`` counts calls by operation name (PutObject, GetObject, ...) as botocore sends
    them, retries included, so tests and benchmarks can check "no PUTs".
    """

    def __init__(self, config: RemoteConfig, credentials: Credentials) -> None:
        self.config = config
        self.bucket = config.bucket
        self.requests: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        with _SESSION_LOCK:
            self.client = self._make_client(config, credentials)
        self.client.meta.events.register("before-send.s3", self._count)

    @staticmethod
    def _make_client(config: RemoteConfig, credentials: Credentials) -> Any:
        return _session().client(
            "s3",
            endpoint_url=config.endpoint_url,
            region_name=config.region,
            aws_access_key_id=credentials.access_key_id,
            aws_secret_access_key=credentials.secret_access_key,
            aws_session_token=credentials.session_token,
            config=Config(
                s3={"addressing_style": "path"} if config.endpoint_url else {},
                retries={"mode": "standard", "max_attempts": config.max_attempts},
                max_pool_connections=config.max_connections,
                connect_timeout=config.connect_timeout,
                read_timeout=config.read_timeout,
                # Our own SHA-256 checks every byte; skip the extra CRC that some S3-compatible
                # servers reject.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                user_agent_extra="StreamerStudio-sync",
            ),
        )

    def _count(self, request: Any = None, **kwargs: Any) -> None:
        name = (kwargs.get("event_name") or "").rsplit(".", 1)[-1]
        with self._lock:
            self.requests[name] += 1

    def request_counts(self) -> dict[str, int]:
        """Requests sent so far, by operation."""
        with self._lock:
            return dict(self.requests)

    # --- errors -------------------------------------------------------------------------------
    def _map(self, exc: Exception, what: str) -> Exception:
        if isinstance(exc, ClientError):
            code = exc.response.get("Error", {}).get("Code", "")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if code in {"PreconditionFailed", "ConditionalRequestConflict"} or status in {409, 412}:
                return PreconditionFailedError(f"{what}: {code or status}")
            if code in {"NoSuchKey", "NoSuchUpload", "404", "NotFound"} or status == 404:
                if code == "NoSuchBucket":
                    return SyncAccessError(f"bucket {self.bucket!r} does not exist")
                return RemoteNotFoundError(f"{what}: not found")
            if code == "NoSuchBucket":
                return SyncAccessError(f"bucket {self.bucket!r} does not exist")
            if status == 403 or code in {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}:
                return SyncAccessError(f"access denied to bucket {self.bucket!r} ({code or status})")
            return RemoteError(f"{what} failed: {code or status}")
        if isinstance(exc, STREAM_ERRORS):
            return SyncOfflineError(f"{what}: connection dropped ({type(exc).__name__})")
        if isinstance(exc, _OFFLINE):
            return SyncOfflineError(f"cannot reach {self.config.endpoint_url or 'AWS S3'}: {type(exc).__name__}")
        if isinstance(exc, BotoCoreError):
            return RemoteError(f"{what} failed: {type(exc).__name__}")
        return exc

    # --- reads --------------------------------------------------------------------------------
    def list(self, prefix: str) -> Iterator[ListedObject]:
        """Every key under ``prefix`` (all pages).

        Raises:
            SyncOfflineError, SyncAccessError, RemoteError.
        """
        try:
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    yield ListedObject(item["Key"], _strip(item.get("ETag")), int(item.get("Size", 0)))
        except (ClientError, BotoCoreError) as exc:
            raise self._map(exc, f"list {prefix}") from exc

    def head(self, key: str) -> ListedObject | None:
        """Size and etag of ``key``, or None when absent."""
        try:
            r = self.client.head_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            mapped = self._map(exc, f"head {key}")
            if isinstance(mapped, RemoteNotFoundError):
                return None
            raise mapped from exc
        return ListedObject(key, _strip(r.get("ETag")), int(r.get("ContentLength", 0)))

    def get_bytes(self, key: str, *, max_bytes: int | None = None) -> tuple[bytes, str]:
        """(body, etag) of ``key``; the body is read fully before returning.

        Raises:
            RemoteNotFoundError, SyncOfflineError (also for a connection dropped mid-body),
            RemoteError (body over ``max_bytes``).
        """
        with self._get_object(key) as r:
            size = int(r.get("ContentLength") or 0)
            if max_bytes is not None and size > max_bytes:
                raise RemoteError(f"{key} is {size} bytes, over the {max_bytes} limit")
            data: bytes = r["Body"].read()
            return data, _strip(r.get("ETag"))

    def stream_to(self, key: str, sink: WritableSink, chunk: int = 1 << 20) -> tuple[int, str]:
        """Copy ``key`` into ``sink`` in chunks; returns (bytes, etag).

        Raises:
            RemoteNotFoundError, SyncOfflineError (dropped mid-body), RemoteError.
        """
        with self._get_object(key) as r:
            n = 0
            for part in r["Body"].iter_chunks(chunk):
                sink.write(part)
                n += len(part)
            expected = r.get("ContentLength")
            if expected is not None and n != int(expected):
                raise SyncOfflineError(f"download {key}: got {n} of {expected} bytes")
            return n, _strip(r.get("ETag"))

    @contextmanager
    def _get_object(self, key: str) -> Iterator[dict[str, Any]]:
        """GetObject's response for the ``with`` body; its stream is closed after, and boto,
        connection and mid-body stream errors come out mapped (``_map``) as SyncError kinds."""
        body = None
        try:
            r = self.client.get_object(Bucket=self.bucket, Key=key)
            body = r["Body"]
            yield r
        except (ClientError, BotoCoreError, *STREAM_ERRORS) as exc:
            raise self._map(exc, f"download {key}") from exc
        finally:
            if body is not None:
                body.close()

    # --- writes -------------------------------------------------------------------------------
    def put_bytes(self, key: str, data: bytes, *, if_match: str | None = None, if_none_match: bool = False,
                  content_type: str = "application/octet-stream") -> str:
        """PutObject; returns the new etag.

        ``if_none_match``: create only (``If-None-Match: *``). ``if_match``: replace only that etag.

        Raises:
            PreconditionFailedError: the condition failed (412/409, or 404 under If-Match).
            SyncOfflineError, SyncAccessError, RemoteError.
        """
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key, "Body": data, "ContentType": content_type}
        if if_none_match:
            kwargs["IfNoneMatch"] = "*"
        if if_match:
            kwargs["IfMatch"] = _quote(if_match)
        try:
            r = self.client.put_object(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            mapped = self._map(exc, f"upload {key}")
            if if_match and isinstance(mapped, RemoteNotFoundError):
                mapped = PreconditionFailedError(f"upload {key}: the object is gone")
            raise mapped from exc
        return _strip(r.get("ETag"))

    def delete(self, key: str) -> None:
        """DeleteObject (absent keys are fine)."""
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            mapped = self._map(exc, f"delete {key}")
            if not isinstance(mapped, RemoteNotFoundError):
                raise mapped from exc

    # --- multipart ----------------------------------------------------------------------------
    def create_multipart(self, key: str) -> str:
        """CreateMultipartUpload; returns the upload id."""
        try:
            upload_id: str = self.client.create_multipart_upload(Bucket=self.bucket, Key=key,
                                                                 ContentType="application/octet-stream")["UploadId"]
            return upload_id
        except (ClientError, BotoCoreError) as exc:
            raise self._map(exc, f"start multipart {key}") from exc

    def upload_part(self, key: str, upload_id: str, number: int, data: bytes) -> str:
        """UploadPart; returns the part etag."""
        try:
            r = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number,
                                        Body=data)
        except (ClientError, BotoCoreError) as exc:
            raise self._map(exc, f"upload part {number} of {key}") from exc
        return _strip(r.get("ETag"))

    def list_parts(self, key: str, upload_id: str) -> dict[int, tuple[str, int]]:
        """Parts already uploaded: {number: (etag, size)}.

        Raises:
            RemoteNotFoundError: the upload was aborted or completed.
        """
        out: dict[int, tuple[str, int]] = {}
        try:
            paginator = self.client.get_paginator("list_parts")
            for page in paginator.paginate(Bucket=self.bucket, Key=key, UploadId=upload_id):
                for p in page.get("Parts", []):
                    out[int(p["PartNumber"])] = (_strip(p.get("ETag")), int(p.get("Size", 0)))
        except (ClientError, BotoCoreError) as exc:
            raise self._map(exc, f"list parts of {key}") from exc
        return out

    def complete_multipart(self, key: str, upload_id: str, parts: builtins.list[tuple[int, str]], *,
                           if_none_match: bool = False) -> str:
        """CompleteMultipartUpload with parts [(number, etag)]; returns the object etag.

        Raises:
            PreconditionFailedError: ``if_none_match`` and the key exists.
        """
        kwargs: dict[str, Any] = {
            "Bucket": self.bucket, "Key": key, "UploadId": upload_id,
            "MultipartUpload": {"Parts": [{"PartNumber": n, "ETag": _quote(e)} for n, e in sorted(parts)]},
        }
        if if_none_match:
            kwargs["IfNoneMatch"] = "*"
        try:
            return _strip(self.client.complete_multipart_upload(**kwargs).get("ETag"))
        except (ClientError, BotoCoreError) as exc:
            raise self._map(exc, f"complete multipart {key}") from exc

    def abort_multipart(self, key: str, upload_id: str) -> None:
        """AbortMultipartUpload (an upload already gone is fine)."""
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except (ClientError, BotoCoreError) as exc:
            mapped = self._map(exc, f"abort multipart {key}")
            if not isinstance(mapped, RemoteNotFoundError):
                raise mapped from exc

    def list_multipart(self, prefix: str) -> builtins.list[tuple[str, str, Any]]:
        """Unfinished multipart uploads under ``prefix``: [(key, upload id, initiated datetime)]."""
        out = []
        try:
            paginator = self.client.get_paginator("list_multipart_uploads")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                for u in page.get("Uploads", []):
                    if u["Key"].startswith(prefix):
                        out.append((u["Key"], u["UploadId"], u.get("Initiated")))
        except (ClientError, BotoCoreError) as exc:
            raise self._map(exc, f"list multipart uploads under {prefix}") from exc
        return out

    # --- bucket -------------------------------------------------------------------------------
    def head_bucket(self) -> None:
        """Check the bucket exists and the credentials may use it.

        Raises:
            SyncAccessError, SyncOfflineError, RemoteError.
        """
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as exc:
            mapped = self._map(exc, "open bucket")
            if isinstance(mapped, RemoteNotFoundError):
                mapped = SyncAccessError(f"bucket {self.bucket!r} does not exist")
            raise mapped from exc

    def has_abort_incomplete_rule(self) -> bool | None:
        """True when a lifecycle rule aborts incomplete multipart uploads; None if unknown."""
        try:
            rules = self.client.get_bucket_lifecycle_configuration(Bucket=self.bucket).get("Rules", [])
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            return False if code == "NoSuchLifecycleConfiguration" else None
        except BotoCoreError:
            return None
        return any(r.get("Status") == "Enabled" and "AbortIncompleteMultipartUpload" in r for r in rules)


def make_remote(settings: SyncSettings, credentials: Credentials) -> S3Remote:
    """An S3Remote for configured ``settings`` (connection pool of at least 10, or ``transfer_threads``)."""
    return S3Remote(RemoteConfig(settings.endpoint_url, settings.region, settings.bucket,
                                 max_connections=max(10, settings.transfer_threads)), credentials)
