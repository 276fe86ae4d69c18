"""The query compiler: requests checked against a table's shape, turned into one SQL statement."""

from .compile_filter import compile_filter, compile_search, escape_like, searchable_columns
from .filter import Condition, FilterNode, Group, Operator, filter_is_empty, parse_filter
from .projection import Expansion, column_json, select_list, table_select_list, type_cast
from .read import get_statement, key_param, list_statement
from .request import (
    CountMode,
    ExpandRequest,
    ListRequest,
    SortKey,
    decode_cursor,
    expand_requests,
    parse_expand,
    parse_fields,
    parse_sort,
)
from .statement import Params, Statement
from .values import UnfitValueError, coerce_value, parse_integer_text
from .write import (
    check_record,
    delete_statement,
    filter_condition,
    insert_statement,
    key_condition,
    keys_condition,
    update_by_id_statement,
    update_by_key_statement,
    update_where_statement,
)

__all__ = [
    "Condition",
    "CountMode",
    "ExpandRequest",
    "Expansion",
    "FilterNode",
    "Group",
    "ListRequest",
    "Operator",
    "Params",
    "SortKey",
    "Statement",
    "UnfitValueError",
    "check_record",
    "coerce_value",
    "column_json",
    "compile_filter",
    "compile_search",
    "decode_cursor",
    "delete_statement",
    "escape_like",
    "expand_requests",
    "filter_condition",
    "filter_is_empty",
    "get_statement",
    "insert_statement",
    "key_condition",
    "key_param",
    "keys_condition",
    "list_statement",
    "parse_expand",
    "parse_fields",
    "parse_filter",
    "parse_integer_text",
    "parse_sort",
    "searchable_columns",
    "select_list",
    "table_select_list",
    "type_cast",
    "update_by_id_statement",
    "update_by_key_statement",
    "update_where_statement",
]
