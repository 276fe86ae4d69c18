"""Turn catalog facts into typed tables: each column's field type (of 17) and its rules."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .fields import CHECK_SUFFIXES
from .model import Column, ForeignKey, Formula, Index, Table, TableName

__all__ = [
    "ColumnPresentation",
    "TablePresentation",
    "build_table",
    "parse_array_literal",
    "parse_default",
]

_BASE_TYPES = {
    "text": ("varchar", "bpchar", "uuid", "bit", "varbit", "name", "char", "inet", "cidr"),
    "long-text": ("text", "citext", "xml"),
    "integer": ("int2", "int4", "int8"),
    "number": ("numeric", "float4", "float8", "money"),
    "date": ("date", "timestamp", "timestamptz", "time", "timetz"),
    "checkbox": ("bool",),
    "json": ("json", "jsonb"),
    "geo-point": ("point",),
}
_FIELD_BY_BASE = {base: name for name, bases in _BASE_TYPES.items() for base in bases}
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_NOW_DEFAULTS = {"current_timestamp", "now()", "transaction_timestamp()", "localtimestamp"}
_FORMULA_RESULTS = {
    "text": "text",
    "varchar": "text",
    "int2": "integer",
    "int4": "integer",
    "int8": "integer",
    "numeric": "numeric",
    "float4": "numeric",
    "float8": "numeric",
    "timestamptz": "date",
    "timestamp": "date",
    "date": "date",
    "bool": "boolean",
    "jsonb": "jsonb",
    "json": "jsonb",
}

_QUOTED = re.compile(r"'((?:[^']|'')*)'(::[\w .\"]+\[\])?")
# A comparison with a constant: a number, a quoted value, or (as the original wrote dates)
# to_timestamp('2030-01-01 10:00', 'YYYY-MM-DD HH24:MI').
_COMPARISON = re.compile(
    r"(>=|<=|>|<)\s*(?:to_timestamp)?"
    r"(?:\(?\s*'((?:[^']|'')*)'(?:::[\w ]+)?\)?|\(?(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\)?)",
    re.IGNORECASE,
)
_CAST = re.compile(r"::[\w .,\"\[\]()]+$")
_NUMBER_CAST = re.compile(
    r"::(integer|bigint|smallint|numeric|double precision|real)(\(\d+(,\s*\d+)?\))?$"
)


@dataclass(frozen=True, slots=True)
class ColumnPresentation:
    ui_name: str | None = None
    display_format: dict[str, Any] | None = None
    formula: tuple[str, str] | None = None
    """A formula as its author wrote it, and the expression PostgreSQL stored for it then."""


@dataclass(frozen=True, slots=True)
class TablePresentation:
    ui_name: str | None = None
    columns: dict[int, ColumnPresentation] = field(default_factory=dict)


def parse_array_literal(literal: str) -> list[str | None]:
    """The items of a one-dimensional PostgreSQL array literal such as ``{a,"b c",NULL}``."""
    inner = literal.strip()[1:-1]
    if not inner.strip():
        return []
    items: list[str | None] = []
    buffer: list[str] = []
    quoted = in_quotes = escaped = False
    for character in inner:
        if escaped:
            buffer.append(character)
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == '"':
            in_quotes = not in_quotes
            quoted = True
        elif character == "," and not in_quotes:
            items.append(_array_item(buffer, quoted))
            buffer, quoted = [], False
        else:
            buffer.append(character)
    items.append(_array_item(buffer, quoted))
    return items


def _array_item(buffer: list[str], quoted: bool) -> str | None:
    text = "".join(buffer)
    if quoted:
        return text
    text = text.strip()
    return None if text.upper() == "NULL" else text


def _quoted_values(definition: str) -> list[str]:
    """String constants of a CHECK definition; an array constant (``'{a,b}'::text[]``) counts
    as its items, which is how Postgres prints ``= ANY (ARRAY['a', 'b'])`` and ``<@`` rules."""
    values: list[str] = []
    for text, array_cast in _QUOTED.findall(definition):
        value = text.replace("''", "'")
        if array_cast and value.startswith("{") and value.endswith("}"):
            values += [item for item in parse_array_literal(value) if item is not None]
        else:
            values.append(value)
    return values


def parse_default(expression: str | None) -> Any:
    """The literal value of a column default, or None when the default is an expression."""
    if expression is None:
        return None
    text = expression.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    text = _CAST.sub("", text).strip()
    if text.upper() == "NULL":
        return None
    if text in ("true", "false"):
        return text == "true"
    quoted = re.fullmatch(r"'((?:[^']|'')*)'", text)
    if quoted:
        value = quoted.group(1).replace("''", "'")
        cast = expression.rstrip().lower()
        if value.startswith("{") and value.endswith("}") and cast.endswith("[]"):
            return parse_array_literal(value)
        if cast.endswith(("::jsonb", "::json")):
            try:
                return json.loads(value)
            except ValueError:
                return value
        if cast.endswith("::point"):
            return _point(value)
        if _NUMBER_CAST.search(cast):
            # Postgres quotes negative numbers: DEFAULT -3 reads back as '-3'::integer.
            number = _plain_number(value)
            return value if number is None else number
        return value
    return _plain_number(text)


def _point(text: str) -> dict[str, float] | str:
    """A point default as records show points: ``{"x": .., "y": ..}``."""
    parts = text.strip().strip("()").split(",")
    try:
        x, y = (float(part) for part in parts)
    except ValueError:
        return text
    return {"x": x, "y": y}


def _plain_number(text: str) -> int | float | None:
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d*\.?\d+(e[+-]?\d+)?|-?\d+\.", text, re.IGNORECASE):
        return float(text)
    return None


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and "e" not in text.lower() else value


def _date_bound(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M")


# The attachment rules' jsonpaths, as pg_get_constraintdef prints them.
_FILE_BYTES = re.compile(r'@\."?size"?\s*>\s*(\d+)')
_FILE_TYPE = re.compile(r'@\s*==\s*"([^"]+)"|@\s*starts with\s*"([^"]+/)"')


def _range(definition: str, low_key: str, high_key: str, *, dates: bool) -> dict[str, Any]:
    """Bounds of a range CHECK, each by its operator (the original took the first as min)."""
    bounds: dict[str, Any] = {}
    for operator, quoted, number in _COMPARISON.findall(definition):
        raw = quoted.replace("''", "'") if quoted else number
        if dates:
            value: Any = _date_bound(raw)
        else:
            try:
                value = _number(raw)
            except ValueError:
                continue
        bounds[low_key if operator.startswith(">") else high_key] = value
    return bounds


def _rules(
    column_type: str, checks: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, tuple[str, ...] | None]:
    validation: dict[str, Any] = {}
    options: tuple[str, ...] | None = None
    for check in checks:
        name, definition = check["name"], check["definition"]
        if name.endswith("_options_check"):
            options = tuple(_quoted_values(definition))
        elif name.endswith("_length_check"):
            validation.update(_range(definition, "minLength", "maxLength", dates=False))
        elif name.endswith("_date_range_check") or (
            name.endswith("_range_check") and column_type in ("date", "auto-date")
        ):
            validation.update(_range(definition, "minDate", "maxDate", dates=True))
        elif name.endswith("_range_check"):
            validation.update(_range(definition, "minValue", "maxValue", dates=False))
        elif name.endswith("_size_check"):
            validation.update(_range(definition, "minSize", "maxSize", dates=False))
            validation.pop("minSize", None)
        elif name.endswith("_file_bytes_check"):
            found = _FILE_BYTES.search(definition)
            if found:
                validation["maxFileSize"] = int(found[1])
        elif name.endswith("_file_type_check"):
            validation["allowedMimeTypes"] = [
                exact or f"{family}*" for exact, family in _FILE_TYPE.findall(definition)
            ]
        elif name.endswith("_file_count_check"):
            validation.update(_range(definition, "minFiles", "maxFiles", dates=False))
            validation.pop("minFiles", None)
        elif name.endswith("_email_domain_check"):
            domains = _quoted_values(definition)
            validation["allowedDomains"] = ",".join(d for d in domains if d != "@")
    return (validation or None), options


def _field_type(raw: dict[str, Any], has_options: bool, has_fk: bool) -> str:
    default = (raw["default"] or "").strip()
    base = raw["baseType"] or ""
    if raw["identity"] or "nextval(" in default:
        return "auto-number"
    if base == "timestamptz" and not raw["isArray"] and default.lower() in _NOW_DEFAULTS:
        return "auto-date"
    if raw["domain"] == "email_address":
        return "email"
    if raw["domain"] == "url_address":
        return "url"
    if has_options:
        return "multi-select" if raw["isArray"] else "select"
    if has_fk:
        return "reference"
    if raw["generated"]:
        return "formula"
    if raw["domain"] == "attachment" and raw["isArray"]:
        return "attachment"
    if raw["isArray"]:
        return "json" if base in ("json", "jsonb") else "text"
    return _FIELD_BY_BASE.get(base, "text")


def build_table(
    schema: str, raw: dict[str, Any], presentation: TablePresentation | None = None
) -> Table:
    """A ``Table`` from one entry of the catalog document (see ``catalog_statement``)."""
    name = raw["name"]
    constraints = raw["constraints"]
    primary: list[str] = next((c["columns"] for c in constraints if c["type"] == "p"), [])
    single_unique = {
        c["columns"][0] for c in constraints if c["type"] == "u" and len(c["columns"]) == 1
    }
    single_unique |= {
        index["columns"][0]
        for index in raw["indexes"]
        if index["unique"]
        and not index["primary"]
        and not index["partial"]
        and not index["expression"]
        and len(index["columns"]) == 1
    }
    foreign_keys = {
        c["columns"][0]: c for c in constraints if c["type"] == "f" and len(c["columns"]) == 1
    }
    checks_by_column: dict[str, list[dict[str, Any]]] = {}
    for constraint in constraints:
        if constraint["type"] == "c":
            for column_name in constraint["columns"]:
                checks_by_column.setdefault(column_name, []).append(constraint)
    presentation = presentation or TablePresentation()

    columns = []
    for raw_column in raw["columns"]:
        column_name = raw_column["name"]
        checks = checks_by_column.get(column_name, [])
        has_options = any(c["name"].endswith("_options_check") for c in checks)
        fk = foreign_keys.get(column_name)
        kind = _field_type(raw_column, has_options, fk is not None)
        validation, options = _rules(kind, checks)
        generated = {"s": "stored", "v": "virtual"}.get(raw_column["generated"] or "", "")
        formula = None
        if generated:
            formula = Formula(
                result_type=_FORMULA_RESULTS.get(raw_column["baseType"], "text"),
                expression=raw_column["default"] or "",
                strategy=generated,
            )
        foreign_key = None
        if fk is not None:
            foreign_key = ForeignKey(
                constraint=fk["name"],
                table=TableName(fk["refSchema"], fk["refTable"]),
                column=fk["refColumns"][0],
                on_update=_ACTIONS.get(fk["onUpdate"], "NO ACTION"),
                on_delete=_ACTIONS.get(fk["onDelete"], "NO ACTION"),
            )
        shown = presentation.columns.get(raw_column["attnum"], ColumnPresentation())
        if formula is not None and shown.formula is not None:
            written, stored = shown.formula
            # PostgreSQL rewrites what it is given (``price * qty`` comes back as
            # ``(price * (qty)::double precision)``): show what was written, unless the
            # expression changed since (outside PolarBase).
            if stored == formula.expression:
                formula = Formula(formula.result_type, written, formula.strategy)
        default_sql = None if generated else raw_column["default"]
        columns.append(
            Column(
                name=column_name,
                attnum=raw_column["attnum"],
                field_type=kind,
                pg_type=raw_column["pgType"],
                udt_name=raw_column["udtName"],
                base_type=raw_column["baseType"] or raw_column["udtName"],
                is_array=bool(raw_column["isArray"]),
                nullable=not raw_column["notNull"],
                primary=column_name in primary,
                unique=column_name in single_unique and column_name not in primary,
                default_sql=default_sql,
                default_value=parse_default(default_sql),
                is_identity=bool(raw_column["identity"]),
                is_identity_always=bool(raw_column.get("identityAlways")),
                generated=generated,
                comment=raw_column["comment"],
                domain=raw_column["domain"],
                validation=validation,
                options=options,
                foreign_key=foreign_key,
                formula=formula,
                checks=tuple(
                    {"name": c["name"], "definition": c["definition"], "columns": c["columns"]}
                    for c in checks
                ),
                ui_name=shown.ui_name,
                display_format=shown.display_format,
            )
        )
    indexes = tuple(
        Index(
            name=index["name"],
            table=name,
            columns=tuple(index["columns"]),
            unique=index["unique"],
            primary=index["primary"],
            method=index["method"],
            constraint=index["constraint"],
        )
        for index in raw["indexes"]
    )
    return Table(
        ref=TableName(schema, name),
        oid=raw["oid"],
        comment=raw["comment"],
        columns=tuple(columns),
        primary_key=tuple(primary),
        indexes=indexes,
        ui_name=presentation.ui_name,
        has_metadata=bool(presentation.ui_name or presentation.columns),
    )


def is_polarbase_check(name: str) -> bool:
    return any(name.endswith("_" + suffix) for suffix in (*CHECK_SUFFIXES, "range_check"))
