"""File routes under /rest/files: upload, download (or a signed link), delete and list.

The door reads the multipart form and moves bytes; ``FileService`` decides what is allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.types import Message, Receive

from ...auth import Principal, Scope
from ...errors import InvalidInputError, PayloadTooLargeError, StorageUnavailableError
from ...files import FileService, Served, Upload
from ..body import read_model
from ..openapi import query_parameter, request_body
from ..params import bool_param, int_param
from ..responses import envelope

if TYPE_CHECKING:
    from ...runtime import Runtime

__all__ = ["CompleteRequest", "PresignRequest", "files_router", "static_router"]


class PresignRequest(BaseModel):
    """The file about to be uploaded: its name, and its size when known (the form then takes
    exactly up to it)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=1024)
    size: int | None = None
    contentType: str | None = None
    """Accepted for clients that send it; the type is read from the bytes on complete."""
    table: str | None = None
    column: str | None = None
    """The attachment column the file is for: its rules (size, types) apply."""


class CompleteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=1024)
    table: str | None = None
    column: str | None = None


_FORM_OVERHEAD = 1024 * 1024
"""Room for the multipart boundaries and headers around the files' bytes."""
_INLINE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf")
_DEFAULT_LINK_SECONDS = 3600


def _unavailable() -> FileService:
    # Attachments need a store: on AWS, POLARBASE_FILES_BUCKET (the CDK stack sets it).
    raise StorageUnavailableError("attachments are not configured on this deployment")


def _file_response(served: Served) -> Response:
    if served.redirect is not None:
        return RedirectResponse(served.redirect, status_code=302)
    assert served.path is not None
    info = served.info
    inline = info.content_type in _INLINE_TYPES
    response = FileResponse(
        served.path,
        media_type=info.content_type,
        filename=info.name,
        content_disposition_type="inline" if inline else "attachment",
    )
    # A stored file is never run as a page of this origin (an HTML or SVG upload included).
    response.headers["x-content-type-options"] = "nosniff"
    response.headers["content-security-policy"] = "default-src 'none'; sandbox"
    response.headers["cache-control"] = "private, max-age=60"
    return response


def files_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["files"])
    settings = runtime.settings

    def service() -> FileService:
        return runtime.files if runtime.files is not None else _unavailable()

    def principal(request: Request) -> Principal:
        return runtime.auth.authenticate(request.headers.get("x-api-key"), Scope.REST)

    @router.post(
        "/files/upload",
        summary="Upload files (multipart field 'files'); returns their attachment objects",
        openapi_extra={
            "parameters": [
                query_parameter("table", "With column: the attachment column the files are for."),
                query_parameter("column", "Its rules (maxFiles, maxFileSize, allowedMimeTypes)."),
            ],
            **_multipart("files", array=True),
        },
    )
    async def upload(request: Request) -> Response:
        acting = principal(request)
        files = service()
        limit = settings.files_max_request_bytes + _FORM_OVERHEAD
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLargeError(f"body: larger than the limit of {limit} bytes")
        request = Request(request.scope, _limited(request.receive, limit))
        # The parser's own bound is only against floods (the body size bounds them too): the
        # count is the service's rule, with its message.
        form = await request.form(max_files=1000, max_fields=1000)
        try:
            parts = [part for part in form.getlist("files") if isinstance(part, UploadFile)]
            uploads = [
                Upload(
                    name=part.filename or "file",
                    data=await part.read(settings.files_max_file_bytes + 1),
                    declared_type=part.content_type,
                )
                for part in parts
            ]
        finally:
            await form.close()
        target = _target(request.query_params.get("table"), request.query_params.get("column"))
        return envelope(await files.upload(acting, uploads, target))

    @router.post(
        "/files/presign",
        summary="A form to upload one file straight to storage (then /files/complete)",
        openapi_extra=request_body(PresignRequest),
    )
    async def presign(request: Request) -> Response:
        acting = principal(request)
        body = await read_model(request, PresignRequest, settings.max_body_bytes)
        form = await service().presign(
            acting, name=body.name, size=body.size, target=_target(body.table, body.column)
        )
        form["url"] = _absolute(request, form["url"])
        return envelope(form)

    @router.post(
        "/files/complete",
        summary="Check a file uploaded with /files/presign; returns its attachment object",
        openapi_extra=request_body(CompleteRequest),
    )
    async def complete(request: Request) -> Response:
        acting = principal(request)
        body = await read_model(request, CompleteRequest, settings.max_body_bytes)
        target = _target(body.table, body.column)
        return envelope(await service().complete(acting, body.key, target))

    @router.post(
        "/files/direct",
        summary="Where a presigned form posts its file when files are stored locally (no key: "
        "the form's signature)",
        openapi_extra=_multipart("file", array=False),
    )
    async def direct(request: Request) -> Response:
        files = service()
        limit = files.limits.max_direct_bytes + _FORM_OVERHEAD
        request = Request(request.scope, _limited(request.receive, limit))
        form = await request.form(max_files=1, max_fields=20)
        try:
            fields = {name: value for name, value in form.items() if isinstance(value, str)}
            part = form.get("file")
            if not isinstance(part, UploadFile):
                raise InvalidInputError("file: the form has no file field 'file'")
            data = await part.read()
            files.accept_direct(fields, data, fields.get("Content-Type") or part.content_type)
        finally:
            await form.close()
        return envelope({"key": fields.get("key"), "size": len(data)})

    @router.get(
        "/files",
        summary="List stored files, by key",
        openapi_extra={
            "parameters": [
                query_parameter("after", "The key after which the page starts (from `next`)."),
                query_parameter("limit", "Files per page (1-1000, default 100)."),
            ]
        },
    )
    async def list_files(request: Request) -> Response:
        acting = principal(request)
        limit = int_param(request.query_params, "limit", 100)
        if limit is None or not 1 <= limit <= 1000:
            raise InvalidInputError("limit: must be between 1 and 1000")
        after = request.query_params.get("after") or None
        return envelope(await service().list(acting, after=after, limit=limit))

    @router.get(
        "/files/{key:path}",
        summary="Download a file, or with signed=true a link that works without the key",
        openapi_extra={
            "parameters": [
                query_parameter("signed", "true: answer a signed link instead of the file."),
                query_parameter("expiresIn", "Seconds the signed link lives (default 3600)."),
            ]
        },
    )
    async def download(key: str, request: Request) -> Response:
        files = service()
        query = request.query_params
        if "signature" in query:  # a signed link: no key needed, the signature is checked
            served = await files.serve_signed(
                key, query.get("expires", ""), query.get("signature", ""), query.get("name")
            )
            return _file_response(served)
        acting = principal(request)
        if bool_param(query, "signed"):
            seconds = int_param(query, "expiresIn", _DEFAULT_LINK_SECONDS)
            assert seconds is not None
            link = await files.signed_link(acting, key, seconds)
            link["url"] = _absolute(request, link["url"])
            return envelope(link)
        return _file_response(await files.serve(acting, key))

    @router.delete("/files/{key:path}", summary="Delete a file")
    async def delete(key: str, request: Request) -> Response:
        return envelope(await service().delete(principal(request), key))

    return router


def static_router(runtime: Runtime) -> APIRouter:
    """``/static/<key>`` for everyone, as the original served files: only with
    ``POLARBASE_FILES_PUBLIC=true``."""
    router = APIRouter(tags=["files"])

    @router.get("/static/{key:path}", summary="A file, without a key (public mode only)")
    async def public_file(key: str) -> Response:
        files = runtime.files if runtime.files is not None else _unavailable()
        return _file_response(await files.serve_public(key))

    return router


def _multipart(field: str, *, array: bool) -> dict[str, Any]:
    binary: dict[str, Any] = {"type": "string", "format": "binary"}
    schema = {"type": "array", "items": binary} if array else binary
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [field],
                        "properties": {field: schema},
                        "additionalProperties": {"type": "string"},
                    }
                }
            },
        }
    }


def _target(table: str | None, column: str | None) -> tuple[str, str] | None:
    """The attachment column named by ``table`` and ``column`` (both, or neither)."""
    if table is None and column is None:
        return None
    if not table or not column:
        raise InvalidInputError("table and column: name both, for the column's rules to apply")
    return table, column


def _absolute(request: Request, url: str) -> str:
    """A link of this server made absolute (with the prefix it is served under, such as API
    Gateway's stage); a storage URL (S3) stays as it is."""
    if not url.startswith("/"):
        return url
    prefix = str(request.scope.get("root_path", "")).rstrip("/")
    return str(request.base_url).rstrip("/") + prefix + url


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that refuses a body past ``limit`` bytes (413), whatever its length said."""
    seen = 0

    async def bounded() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise PayloadTooLargeError(f"body: larger than the limit of {limit} bytes")
        return message

    return bounded
