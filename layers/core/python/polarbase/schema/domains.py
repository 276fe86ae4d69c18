"""The three PostgreSQL domains PolarBase's field types store into: e-mail, URL and attachment."""

from __future__ import annotations

import re

from psycopg import sql

__all__ = [
    "ATTACHMENT_KEYS",
    "DOMAIN_NAMES",
    "EMAIL_PATTERN",
    "URL_PATTERN",
    "create_domain_statement",
    "is_email",
    "is_url",
    "present_domains_statement",
]

# The same patterns the original's domains use (plus '+' in the local part, and an optional
# port, query and fragment in URLs), checked in Python first so the error names the column.
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"
URL_PATTERN = r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?([/?#][^\s]*)?$"
ATTACHMENT_KEYS = ("id", "key", "size", "name", "mimeType", "provider", "uploadedAt")

_EMAIL = re.compile(EMAIL_PATTERN)
_URL = re.compile(URL_PATTERN, re.IGNORECASE)

DOMAIN_NAMES = ("email_address", "url_address", "attachment")

_DEFINITIONS: dict[str, sql.Composable] = {
    "email_address": sql.SQL("text CHECK (VALUE ~* {})").format(sql.Literal(EMAIL_PATTERN)),
    "url_address": sql.SQL("text CHECK (VALUE ~* {})").format(sql.Literal(URL_PATTERN)),
    "attachment": sql.SQL(
        "jsonb CHECK (jsonb_typeof(VALUE) = 'object' AND VALUE ?& {}::text[])"
    ).format(sql.Literal(list(ATTACHMENT_KEYS))),
}


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def is_url(value: str) -> bool:
    return bool(_URL.match(value))


def create_domain_statement(schema: str, name: str) -> sql.Composed:
    """``CREATE DOMAIN`` for one of ``DOMAIN_NAMES`` in ``schema``."""
    return sql.SQL("CREATE DOMAIN {} AS {}").format(
        sql.Identifier(schema, name), _DEFINITIONS[name]
    )


def present_domains_statement(
    schema: str, names: list[str]
) -> tuple[sql.SQL, dict[str, str | list[str]]]:
    """Which of ``names`` exist as types in ``schema``: the query (one JSON array of names)
    and its parameters."""
    return _PRESENT_DOMAINS, {"schema": schema, "names": names}


_PRESENT_DOMAINS = sql.SQL(
    "SELECT coalesce(json_agg(t.typname), '[]'::json)::text FROM pg_type t "
    "JOIN pg_namespace n ON n.oid = t.typnamespace "
    "WHERE n.nspname = %(schema)s AND t.typname = ANY(%(names)s)"
)
