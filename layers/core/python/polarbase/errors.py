"""PolarBase's one error hierarchy, and the translation of database errors into it.

Every error a caller can cause is a ``PolarBaseError`` subclass that carries its HTTP status and a
stable code. The web layer maps them to responses in one place; MCP and WebSocket report the same
code and message.

    PolarBaseError (500, internal_error)
    ├── InvalidInputError (400, invalid_input)
    │   ├── InvalidFilterError (400, invalid_filter)
    │   └── InvalidFormulaError (400, invalid_formula)
    ├── AuthenticationError (401, unauthenticated)
    ├── ScopeDeniedError (403, forbidden)
    ├── NotFoundError (404, not_found)
    │   ├── TableNotFoundError
    │   ├── ColumnNotFoundError
    │   ├── RecordNotFoundError
    │   ├── IndexNotFoundError
    │   └── BlobNotFoundError (404, file_not_found)
    ├── MethodNotAllowedError (405, method_not_allowed)
    ├── ConflictError (409, conflict)
    │   ├── AlreadyExistsError (409, already_exists)
    │   ├── DuplicateValueError (409, duplicate_value)
    │   ├── ForeignKeyViolationError (409, foreign_key_violation)
    │   ├── CheckViolationError (409, check_violation)
    │   └── SchemaChangedError (409, schema_changed)
    ├── PayloadTooLargeError (413, payload_too_large)
    ├── UnsupportedMediaTypeError (415, unsupported_media_type)
    ├── RuleViolationError (422, rule_violation)
    ├── RateLimitedError (429, rate_limited)
    ├── DatabaseUnavailableError (503, database_unavailable)
    ├── MetadataConflictError (503, metadata_conflict)
    ├── MetadataUnavailableError (503, metadata_unavailable)
    ├── RealtimeUnavailableError (503, realtime_unavailable)
    ├── SecretUnavailableError (503, secret_unavailable)
    └── StorageUnavailableError (503, storage_unavailable)

This module imports nothing from the web layer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    from .schema.model import Table

__all__ = [
    "AlreadyExistsError",
    "AuthenticationError",
    "BlobNotFoundError",
    "CheckViolationError",
    "ColumnNotFoundError",
    "ConfirmationError",
    "ConflictError",
    "DatabaseUnavailableError",
    "DependentObjectsError",
    "DuplicateValueError",
    "ForeignKeyViolationError",
    "IndexNotFoundError",
    "InvalidFilterError",
    "InvalidFormulaError",
    "InvalidInputError",
    "MetadataConflictError",
    "MetadataUnavailableError",
    "MethodNotAllowedError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PolarBaseError",
    "RateLimitedError",
    "RealtimeUnavailableError",
    "RecordNotFoundError",
    "RuleViolationError",
    "SchemaChangedError",
    "ScopeDeniedError",
    "SecretUnavailableError",
    "StorageUnavailableError",
    "TableNotFoundError",
    "UnsupportedMediaTypeError",
    "describe_check",
    "translate_database_error",
    "validation_message",
]


class PolarBaseError(Exception):
    """Root of every error PolarBase raises on purpose; ``status`` and ``code`` say how."""

    status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInputError(PolarBaseError):
    """The request is malformed: a missing or mistyped field, an unknown name, a bad value."""

    status = 400
    code = "invalid_input"


class InvalidFilterError(InvalidInputError):
    """A filter, sort, search or cursor could not be understood."""

    code = "invalid_filter"


class ConfirmationError(InvalidInputError):
    """A ``confirmToken`` that cannot confirm this call: unknown, used, expired, another key's,
    or issued for other arguments."""

    code = "confirmation_invalid"


class InvalidFormulaError(InvalidInputError):
    """A formula expression uses syntax, a column or a function that is not allowed."""

    code = "invalid_formula"


class AuthenticationError(PolarBaseError):
    """No API key, or one that is unknown, revoked or expired."""

    status = 401
    code = "unauthenticated"


class ScopeDeniedError(PolarBaseError):
    """The key is valid but may not do this: missing scope, table not allowed, read-only."""

    status = 403
    code = "forbidden"


class NotFoundError(PolarBaseError):
    """Something named in the path does not exist."""

    status = 404
    code = "not_found"


class TableNotFoundError(NotFoundError):
    code = "table_not_found"

    def __init__(self, table: str) -> None:
        super().__init__(f"table '{table}' not found")
        self.table = table


class ColumnNotFoundError(NotFoundError):
    code = "column_not_found"

    def __init__(self, table: str, column: str) -> None:
        super().__init__(f"column '{column}' not found in table '{table}'")
        self.table = table
        self.column = column


class RecordNotFoundError(NotFoundError):
    code = "record_not_found"

    def __init__(self, table: str, record_id: object) -> None:
        super().__init__(f"record '{record_id}' not found in table '{table}'")


class IndexNotFoundError(NotFoundError):
    code = "index_not_found"

    def __init__(self, index: str) -> None:
        super().__init__(f"index '{index}' not found")


class BlobNotFoundError(NotFoundError):
    """No attachment file is stored under the key."""

    code = "file_not_found"

    def __init__(self, key: str) -> None:
        super().__init__(f"file '{key}' not found in the attachment storage")
        self.key = key


class MethodNotAllowedError(PolarBaseError):
    """The path exists but not for this method; ``allowed`` lists the methods that are."""

    status = 405
    code = "method_not_allowed"

    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        super().__init__(f"method {method} is not allowed here; use {', '.join(allowed)}")
        self.allowed = allowed


class ConflictError(PolarBaseError):
    """The request clashes with what is stored: a duplicate or a broken constraint."""

    status = 409
    code = "conflict"


class AlreadyExistsError(ConflictError):
    code = "already_exists"


class DependentObjectsError(ConflictError):
    """Other objects (a reference, a view, an index) depend on what a change would drop."""


class DuplicateValueError(ConflictError):
    code = "duplicate_value"


class ForeignKeyViolationError(ConflictError):
    code = "foreign_key_violation"


class CheckViolationError(ConflictError):
    """A CHECK rule refused a value; ``constraint`` names the rule when Postgres reported it."""

    code = "check_violation"

    def __init__(self, message: str, constraint: str | None = None) -> None:
        super().__init__(message)
        self.constraint = constraint


class SchemaChangedError(ConflictError):
    """A table or column a statement names went away underneath it (changed outside PolarBase,
    or by a concurrent request); the record service reloads the shape and tries once more."""

    code = "schema_changed"


def describe_check(column: str | None, constraint: str | None) -> str:
    """A CHECK violation in words: which column, which rule, what the rule means."""
    if constraint is None:
        return "a value breaks a check rule"
    words = next(
        (
            text
            for suffix, text in _CONSTRAINT_SUFFIXES.items()
            if constraint.endswith("_" + suffix)
        ),
        None,
    )
    if column is None or words is None:
        return f"a value breaks the check rule '{constraint}'"
    return f"value of column '{column}' breaks the rule '{constraint}': {words}"


class PayloadTooLargeError(PolarBaseError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaTypeError(PolarBaseError):
    """A file whose bytes are not what its type claims, or of a type the rules do not allow."""

    status = 415
    code = "unsupported_media_type"


class RuleViolationError(PolarBaseError):
    """Well-formed input that breaks a rule: a value out of range, a type that cannot change."""

    status = 422
    code = "rule_violation"


class RateLimitedError(PolarBaseError):
    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests: try again in {retry_after} s")
        self.retry_after = retry_after


class DatabaseUnavailableError(PolarBaseError):
    """PostgreSQL could not be reached; the request may be retried."""

    status = 503
    code = "database_unavailable"


class MetadataConflictError(PolarBaseError):
    """A metadata write lost the race to other writers too many times in a row; retry it later."""

    status = 503
    code = "metadata_conflict"


class MetadataUnavailableError(PolarBaseError):
    """The metadata storage cannot be read or written (S3 refused or could not be reached)."""

    status = 503
    code = "metadata_unavailable"


class RealtimeUnavailableError(PolarBaseError):
    """Change capture cannot run on this database (wal_level, privileges, no free slot)."""

    status = 503
    code = "realtime_unavailable"


class SecretUnavailableError(PolarBaseError):
    """A secret the deployment names (database URL, super admin key) cannot be read."""

    status = 503
    code = "secret_unavailable"


class StorageUnavailableError(PolarBaseError):
    """The attachment storage cannot be read or written (S3 refused or could not be reached)."""

    status = 503
    code = "storage_unavailable"


# --- database errors, by SQLSTATE -------------------------------------------------------------

_CONSTRAINT_SUFFIXES = {
    "length_check": "its length is outside the allowed range",
    "value_range_check": "it is outside the allowed range of values",
    "date_range_check": "it is outside the allowed range of dates",
    "size_check": "it is larger than the allowed size",
    "file_count_check": "it has more files than allowed",
    "file_bytes_check": "a file is larger than the column allows",
    "file_type_check": "a file's type is not one the column allows",
    "email_domain_check": "its e-mail domain is not allowed",
    "options_check": "it is not one of the allowed options",
}

_KEY_DETAIL = re.compile(r"Key \((?P<columns>[^)]*)\)=\((?P<values>.*)\)")


def _guess_check_column(table: str | None, constraint: str | None) -> str | None:
    """The column in ``<table>_<column>_<suffix>``; callers who know the table look it up."""
    if constraint is None:
        return None
    for suffix in _CONSTRAINT_SUFFIXES:
        if constraint.endswith("_" + suffix):
            column = constraint[: -len(suffix) - 1]
            if table and column.startswith(table + "_"):
                return column[len(table) + 1 :]
    return None


def translate_database_error(
    exc: psycopg.Error, shape: Table | None = None
) -> PolarBaseError | None:
    """Turn a PostgreSQL error caused by the caller's data into a ``PolarBaseError``.

    ``shape`` is the table the statement was built for, when there is one: it names the column
    of a CHECK rule whose name Postgres shortened. Returns None when the error is not the
    caller's fault (a bug or an outage); the caller then re-raises the original. One row per
    SQLSTATE class; each row is covered by a test.
    """
    state = exc.sqlstate or ""
    diag = exc.diag
    table = diag.table_name
    column = diag.column_name
    constraint = diag.constraint_name
    detail = diag.message_detail or ""
    where = f" of table '{table}'" if table else ""

    if state == "23505":  # unique_violation
        found = _KEY_DETAIL.search(detail)
        if found:
            return DuplicateValueError(
                f"duplicate value for {found['columns']}{where}: {found['values']} already exists "
                f"(unique rule '{constraint}')"
            )
        return DuplicateValueError(f"duplicate value{where}: unique rule '{constraint}'")
    if state == "23503":  # foreign_key_violation
        found = _KEY_DETAIL.search(detail)
        if "is still referenced" in detail:
            return ForeignKeyViolationError(
                f"record{where} is still referenced from another table (rule '{constraint}')"
            )
        if found:
            return ForeignKeyViolationError(
                f"column {found['columns']}{where}: value {found['values']} does not exist in the "
                f"referenced table (rule '{constraint}')"
            )
        return ForeignKeyViolationError(f"foreign key rule '{constraint}' broken{where}")
    if state == "23514":  # check_violation
        if table is None and constraint and diag.datatype_name:
            return CheckViolationError(
                f"value is not a valid {diag.datatype_name} (rule '{constraint}')"
            )
        ruled = shape.column_with_rule(constraint) if shape is not None else None
        column_name = ruled.name if ruled is not None else _guess_check_column(table, constraint)
        return CheckViolationError(describe_check(column_name, constraint), constraint)
    if state == "428C9":  # generated_always: a GENERATED ALWAYS column was written
        return InvalidInputError(_first_line(exc))
    if state == "23502":  # not_null_violation
        return RuleViolationError(f"column '{column}'{where} may not be null")
    if state == "23P01":  # exclusion_violation
        return ConflictError(
            f"value conflicts with an existing record{where} (rule '{constraint}')"
        )
    if state in ("42703", "42P01"):  # undefined column / table: changed underneath the shape
        return SchemaChangedError(
            f"{_first_line(exc)}: the table changed while the request ran; try again"
        )
    if state.startswith("54"):  # program limit exceeded: too many columns, too complex
        return RuleViolationError(f"{_first_line(exc)}: a limit of PostgreSQL")
    if state.startswith("22"):  # data exception: bad value for the column's type
        return InvalidInputError(_first_line(exc))
    if state in ("42P07", "42701", "42710"):  # duplicate table / column / object
        return AlreadyExistsError(_first_line(exc))
    if state in ("42P16", "42P17", "42804", "42883", "42830", "42P10", "42611"):
        # invalid table / object / foreign key definition, datatype mismatch, no such function
        return RuleViolationError(_first_line(exc))
    if state == "0A000":  # feature not supported (e.g. altering a type used by a rule)
        return RuleViolationError(_first_line(exc))
    if state == "2BP01":  # dependent objects still exist
        # The detail names them ("constraint x on table y depends on table z"); the hint
        # ("Use DROP ... CASCADE") is SQL the caller cannot send: the service says what to do.
        detail = "; ".join((diag.message_detail or "").splitlines())
        return DependentObjectsError(_first_line(exc) + (f" ({detail})" if detail else ""))
    if state == "55P03" or state == "40P01" or state == "40001":  # lock / deadlock / serialization
        return ConflictError("the record is being changed by another request; try again")
    return None


def _is_shape_tag(part: object) -> bool:
    """A pydantic tag in an error's path (``list[str-enum[Scope]]``, ``[key]``), not a field."""
    return isinstance(part, str) and "[" in part


def _first_line(exc: psycopg.Error) -> str:
    return (exc.diag.message_primary or str(exc)).splitlines()[0]


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """``<field path>: <problem>`` of the first failing field, as the original reports it.

    ``errors`` as pydantic lists them (``ValidationError.errors()``, FastAPI's too).
    """
    if not errors:
        return "invalid request data"
    first = errors[0]
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    # A field of several shapes (``dict[...] | list[...]``) fails once per shape, each error's
    # path holding the shape's pydantic tag. The error that got past the shape (a list's bad
    # item) says what is wrong; when none did, the shapes it may take are named together.
    loc = tuple(first.get("loc", ()))
    tagged = next((i for i, part in enumerate(loc) if _is_shape_tag(part)), None)
    if tagged is not None:
        shapes = [
            error
            for error in errors
            if tuple(error.get("loc", ()))[:tagged] == loc[:tagged]
            and len(error.get("loc", ())) > tagged
        ]
        deeper = [error for error in shapes if len(error["loc"]) > tagged + 1]
        if deeper:
            first = deeper[0]
            message = str(first.get("msg", "invalid value"))
        else:
            wanted = [
                str(error.get("msg", "")).removeprefix("Input should be ") for error in shapes
            ]
            message = "Input should be " + " or ".join(wanted)
    location = [
        str(part)
        for part in first.get("loc", ())
        if part not in ("body", "query", "path") and not _is_shape_tag(part)
    ]
    if first.get("type") == "json_invalid":
        return "body: not valid JSON"
    if first.get("type") == "missing":
        message = "is required"
    if ": " in message and not location:
        return message
    return f"{'.'.join(location) or 'body'}: {message}"
