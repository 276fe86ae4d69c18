"""Aggregations: count, sum, avg, min and max over groups, with having, order and pages.

The request is the original's (``{select, where, group, having, order, page, limit}``, reference
§6.6) with its bugs fixed: aliases (``count(*) as total``) work, ``having`` takes the WhereFilter
operators (``{"count(*)": {"gt": 5}}``) as well as the original's ``{operator, value}``, and
ordering by an alias or an aggregate works. As in PostgREST, a plain column in ``select`` is a
group key; ``group`` adds others. Every name is checked against the table; nothing the caller
sends reaches the SQL text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import sql

from ..errors import InvalidInputError
from ..schema.model import Column, Table
from .compile_filter import compile_filter, compile_search
from .filter import FilterNode, parse_filter
from .names import ident
from .projection import type_cast
from .statement import Params, Statement
from .values import UnfitValueError, coerce_value

__all__ = ["AggregateRequest", "Selection", "aggregate_statement", "parse_aggregate"]

FUNCTIONS = ("count", "sum", "avg", "min", "max")
MAX_SELECTIONS = 100
_CALL = re.compile(
    r"^(?P<function>[A-Za-z]+)\s*\(\s*(?P<distinct>distinct\s+)?(?P<argument>[^()]*?)\s*\)$",
    re.IGNORECASE,
)
_ALIAS = re.compile(r"^(?P<expression>.+?)\s+as\s+(?P<alias>[A-Za-z_][A-Za-z0-9_]{0,62})$", re.I)
_NUMERIC_BASES = frozenset({"int2", "int4", "int8", "numeric", "float4", "float8", "money"})
_UNGROUPABLE_BASES = frozenset({"point", "json"})
# No min or max: PostgreSQL has no ordering of booleans for them, nor of JSON documents.
_UNORDERED_BASES = _UNGROUPABLE_BASES | {"bool", "jsonb"}
_COMPARISONS = {
    "eq": "=",
    "ne": "<>",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
}
# The original's {operator, value} form names its operators as SQL does.
_SQL_OPERATORS = {"=": "eq", "!=": "ne", "<>": "ne", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
_SOURCE = ident("t")


@dataclass(frozen=True, slots=True)
class Selection:
    """One output value: a group column (``function`` None) or an aggregate of a column (or of
    every row, ``count(*)``: ``column`` None)."""

    name: str
    function: str | None
    column: Column | None
    distinct: bool = False

    @property
    def numeric(self) -> bool:
        return self.function in ("count", "sum", "avg")


@dataclass(frozen=True, slots=True)
class HavingCondition:
    selection: Selection
    operator: str
    value: Any


@dataclass(frozen=True, slots=True)
class AggregateRequest:
    table: Table
    selections: tuple[Selection, ...]
    group: tuple[Column, ...]
    filter: FilterNode | None
    search: str | None
    having: tuple[HavingCondition, ...]
    order: tuple[tuple[Selection, bool], ...]
    page: int
    limit: int


def _names(raw: Any, field: str) -> list[str]:
    """A list of strings, or one comma-separated string of them."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise InvalidInputError(f"{field}: must be a list of strings")
    return [item.strip() for item in raw if item.strip()]


def _column(table: Table, name: str, field: str) -> Column:
    column = table.column(name)
    if column is None:
        raise InvalidInputError(f"{field}: unknown column '{name}' in table '{table.name}'")
    return column


def _groupable(column: Column, field: str) -> Column:
    if column.base_type in _UNGROUPABLE_BASES and not column.is_array:
        raise InvalidInputError(
            f"{field}: {column.field_type} column '{column.name}' cannot be grouped"
        )
    return column


def _selection(table: Table, text: str) -> Selection:
    alias_match = _ALIAS.match(text)
    expression, alias = (
        (alias_match["expression"].strip(), alias_match["alias"]) if alias_match else (text, None)
    )
    call = _CALL.match(expression)
    if call is None:
        column = _groupable(_column(table, expression, "select"), "select")
        return Selection(alias or column.name, None, column)
    function = call["function"].lower()
    if function not in FUNCTIONS:
        raise InvalidInputError(
            f"select: '{text}': unknown function '{call['function']}' (use one of "
            f"{', '.join(FUNCTIONS)})"
        )
    argument = call["argument"].strip()
    distinct = call["distinct"] is not None
    if distinct and function != "count":
        raise InvalidInputError(f"select: '{text}': distinct applies to count only")
    if argument == "*":
        if function != "count" or distinct:
            raise InvalidInputError(f"select: '{text}': only count takes *")
        return Selection(alias or "count(*)", "count", None)
    column = _column(table, argument, "select")
    if function in ("sum", "avg") and (column.base_type not in _NUMERIC_BASES or column.is_array):
        raise InvalidInputError(
            f"select: '{text}': {function} needs a number column, and '{column.name}' is "
            f"{column.field_type}"
        )
    if function in ("min", "max") and (column.base_type in _UNORDERED_BASES or column.is_array):
        raise InvalidInputError(
            f"select: '{text}': {function} does not apply to {column.field_type} column "
            f"'{column.name}'"
        )
    if function == "count" and distinct:
        _groupable(column, "select")
    default = f"count(distinct {column.name})" if distinct else f"{function}({column.name})"
    return Selection(alias or default, function, column, distinct)


def _order(raw: Any, by_name: Mapping[str, Selection]) -> tuple[tuple[Selection, bool], ...]:
    order: list[tuple[Selection, bool]] = []
    for part in _names(raw, "order"):
        descending = part.startswith("-")
        part = part.removeprefix("-")
        name, separator, direction = part.rpartition(":")
        if not separator or direction.strip().lower() not in ("asc", "desc"):
            name, direction = part, ""
        descending = descending or direction.strip().lower() == "desc"
        selection = by_name.get(name.strip())
        if selection is None:
            raise InvalidInputError(
                f"order: '{name.strip()}' is not one of the selected names ({', '.join(by_name)})"
            )
        if all(existing.name != selection.name for existing, _ in order):
            order.append((selection, descending))
    return tuple(order)


def _having_value(selection: Selection, value: Any, what: str) -> Any:
    if selection.numeric:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInputError(f"having on '{selection.name}': {what} must be a number")
        return value
    assert selection.column is not None
    try:
        return coerce_value(selection.column, value)
    except UnfitValueError as problem:
        raise InvalidInputError(f"having on '{selection.name}': {what} {problem}") from None


def _having_conditions(selection: Selection, raw: Any) -> list[HavingCondition]:
    if not isinstance(raw, dict):
        return [HavingCondition(selection, "eq", _having_value(selection, raw, "the value"))]
    if "operator" in raw and set(raw) <= {"operator", "value"}:
        operator = str(raw["operator"]).strip()
        raw = {_SQL_OPERATORS.get(operator, operator): raw.get("value")}
    if not raw:
        raise InvalidInputError(f"having on '{selection.name}': empty operator object")
    conditions: list[HavingCondition] = []
    for operator, value in raw.items():
        if operator in _COMPARISONS:
            conditions.append(
                HavingCondition(selection, operator, _having_value(selection, value, operator))
            )
        elif operator == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise InvalidInputError(
                    f"having on '{selection.name}': between takes a list of two values"
                )
            low, high = (_having_value(selection, item, "between") for item in value)
            conditions.append(HavingCondition(selection, "gte", low))
            conditions.append(HavingCondition(selection, "lte", high))
        elif operator in ("in", "notIn"):
            items = value if isinstance(value, list) else [value]
            checked = [_having_value(selection, item, operator) for item in items]
            conditions.append(HavingCondition(selection, operator, checked))
        elif operator in ("isNull", "notNull"):
            if not isinstance(value, bool):
                raise InvalidInputError(
                    f"having on '{selection.name}': {operator} takes true or false"
                )
            conditions.append(HavingCondition(selection, operator, value))
        else:
            raise InvalidInputError(
                f"having on '{selection.name}': invalid operator '{operator}' (use one of "
                f"{', '.join([*_COMPARISONS, 'between', 'in', 'notIn', 'isNull', 'notNull'])})"
            )
    return conditions


def parse_aggregate(raw: Any, table: Table, *, max_limit: int) -> AggregateRequest:
    """Check an aggregate request (decoded JSON) against ``table``; InvalidInputError names the
    part that is wrong.

    Example:
        >>> parse_aggregate({"select": ["status", "count(*) as n"], "order": "n:desc"}, t,
        ...                 max_limit=10_000)
    """
    if not isinstance(raw, dict):
        raise InvalidInputError("query: must be an object with select, where, group, ...")
    unknown = set(raw) - {
        "select",
        "where",
        "search",
        "group",
        "having",
        "order",
        "page",
        "limit",
    }
    if unknown:
        raise InvalidInputError(f"query: unknown field '{sorted(unknown)[0]}'")
    texts = _names(raw.get("select"), "select")
    if not texts:
        raise InvalidInputError('select: name at least one column or aggregate, e.g. "count(*)"')
    if len(texts) > MAX_SELECTIONS:
        raise InvalidInputError(f"select: more than {MAX_SELECTIONS} items")
    selections = [_selection(table, text) for text in texts]
    group = [s.column for s in selections if s.function is None and s.column is not None]
    for name in _names(raw.get("group"), "group"):
        column = _groupable(_column(table, name, "group"), "group")
        if column not in group:
            group.append(column)
            if all(s.name != column.name for s in selections):
                selections.append(Selection(column.name, None, column))
    by_name: dict[str, Selection] = {}
    for selection in selections:
        if selection.name in by_name:
            raise InvalidInputError(
                f"select: the name '{selection.name}' is used twice; give one an alias with as"
            )
        by_name[selection.name] = selection

    where = raw.get("where")
    having: list[HavingCondition] = []
    having_raw = raw.get("having")
    if having_raw is not None:
        if not isinstance(having_raw, dict):
            raise InvalidInputError('having: must be an object like {"count(*)": {"gt": 5}}')
        group_filters: dict[str, Any] = {}
        for name, condition in having_raw.items():
            named = by_name.get(name)
            if named is None:
                raise InvalidInputError(
                    f"having: '{name}' is not one of the selected names ({', '.join(by_name)})"
                )
            if named.function is None:
                # A condition on a group key is the same condition on its rows.
                assert named.column is not None
                group_filters[named.column.name] = condition
            else:
                having.extend(_having_conditions(named, condition))
        if group_filters:
            where = {"and": [where, group_filters]} if where else group_filters

    page = raw.get("page", 1)
    limit = raw.get("limit", max_limit)
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= 2**31 - 1:
        raise InvalidInputError("page: must be a whole number of at least 1")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= max_limit:
        raise InvalidInputError(f"limit: must be between 1 and {max_limit}")
    order = _order(raw.get("order"), by_name)
    if not order:
        order = tuple((s, False) for s in selections if s.function is None)
    return AggregateRequest(
        table=table,
        selections=tuple(selections),
        group=tuple(group),
        filter=parse_filter(where, table),
        search=_search(raw.get("search")),
        having=tuple(having),
        order=order,
        page=page,
        limit=limit,
    )


def _search(raw: Any) -> str | None:
    """The records' search, as ``GET /rest/db/{table}?search=`` takes it."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidInputError("search: must be a string")
    if "\x00" in raw:
        raise InvalidInputError("search: may not contain the NUL character")
    return raw.strip() or None


def _expression(selection: Selection) -> sql.Composable:
    if selection.column is None:
        return sql.SQL("count(*)")
    column = sql.SQL("{}.{}").format(_SOURCE, ident(selection.column.name))
    if selection.function is None:
        return column
    if selection.distinct:
        return sql.SQL("count(DISTINCT {})").format(column)
    return sql.SQL("{}({})").format(sql.SQL(selection.function), column)


def _having_sql(condition: HavingCondition, params: Params) -> sql.Composable:
    value_sql = sql.SQL("{}.{}").format(ident("g"), ident(condition.selection.name))
    column = condition.selection.column

    def placeholder(value: Any) -> sql.Composable:
        if condition.selection.numeric:
            return sql.SQL("{}::numeric").format(params.add(value))
        cast = type_cast(column) if column is not None else None
        holder = params.add(value)
        return sql.SQL("{}::{}").format(holder, cast) if cast is not None else holder

    operator = condition.operator
    if operator == "isNull":
        return sql.SQL("{} IS NULL" if condition.value else "{} IS NOT NULL").format(value_sql)
    if operator == "notNull":
        return sql.SQL("{} IS NOT NULL" if condition.value else "{} IS NULL").format(value_sql)
    if operator in ("in", "notIn"):
        if not condition.value:
            return sql.SQL("FALSE" if operator == "in" else "TRUE")
        items = sql.SQL(", ").join(placeholder(item) for item in condition.value)
        keyword = sql.SQL("IN" if operator == "in" else "NOT IN")
        return sql.SQL("{} {} ({})").format(value_sql, keyword, items)
    return sql.SQL("{} {} {}").format(
        value_sql, sql.SQL(_COMPARISONS[operator]), placeholder(condition.value)
    )


def aggregate_statement(request: AggregateRequest) -> Statement:
    """The page of groups and its pagination as one JSON object, in one statement."""
    table = request.table
    params = Params()
    conditions: list[sql.Composable] = []
    if request.filter is not None:
        conditions.append(compile_filter(request.filter, _SOURCE, params))
    if request.search is not None:
        conditions.append(compile_search(table, request.search, _SOURCE, params))
    where = sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("TRUE")
    having: Sequence[sql.Composable] = [_having_sql(c, params) for c in request.having]
    group_by = (
        sql.SQL(" GROUP BY {}").format(
            sql.SQL(", ").join(
                sql.SQL("{}.{}").format(_SOURCE, ident(column.name)) for column in request.group
            )
        )
        if request.group
        else sql.SQL("")
    )
    order = sql.SQL(", ").join(
        sql.SQL("{}.{} {}").format(
            ident("h"), ident(selection.name), sql.SQL("DESC" if descending else "ASC")
        )
        for selection, descending in request.order
    )
    query = sql.SQL(
        "WITH g AS MATERIALIZED (SELECT {selections} FROM {table} AS {t} WHERE {where}{group_by}), "
        "h AS MATERIALIZED (SELECT * FROM g WHERE {having}), "
        "total AS MATERIALIZED (SELECT count(*) AS total FROM h) "
        "SELECT json_build_object("
        "'rows', coalesce((SELECT json_agg(r.*) FROM (SELECT h.* FROM h {order_by} "
        "LIMIT %(limit)s OFFSET %(offset)s) AS r), '[]'::json), "
        "'pagination', json_build_object('page', %(page)s::int, 'limit', %(limit)s::int, "
        "'total', total.total, 'pages', greatest(1, ceil(total.total::numeric / %(limit)s))::bigint"
        "))::text FROM total"
    ).format(
        selections=sql.SQL(", ").join(
            sql.SQL("{} AS {}").format(_expression(selection), ident(selection.name))
            for selection in request.selections
        ),
        table=ident(table.ref.schema, table.ref.name),
        t=_SOURCE,
        where=where,
        group_by=group_by,
        having=sql.SQL(" AND ").join(having) if having else sql.SQL("TRUE"),
        order_by=sql.SQL("ORDER BY {}").format(order) if request.order else sql.SQL(""),
    )
    values = dict(params.values)
    values.update(limit=request.limit, offset=(request.page - 1) * request.limit, page=request.page)
    return Statement(query, values, table)
