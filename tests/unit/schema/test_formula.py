"""Unit tests for polarbase.schema.formula: parse, check and render formula expressions."""

from __future__ import annotations

import pytest
from psycopg import sql

from polarbase.errors import InvalidFormulaError
from polarbase.schema.formula import (
    FORMULA_FUNCTIONS,
    MAX_FORMULA_DEPTH,
    MAX_FORMULA_LENGTH,
    compile_formula,
)

COLUMNS = frozenset({"price", "quantity", "discount", "name", "data", "tags", "born", "My Col"})


def render(expression: str, columns: frozenset[str] = COLUMNS) -> str:
    return compile_formula(expression, columns=columns).as_string(None)


def rejection(expression: str, columns: frozenset[str] = COLUMNS) -> str:
    with pytest.raises(InvalidFormulaError) as caught:
        compile_formula(expression, columns=columns)
    return caught.value.message


# --- what renders ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("price * quantity", '("price" * "quantity")'),
        ("price + quantity * 2", '("price" + ("quantity" * 2))'),
        ("(price + quantity) * 2", '(("price" + "quantity") * 2)'),
        ("price - quantity - 1 + discount", '("price" - "quantity" - 1 + "discount")'),
        ("price - (quantity - 1)", '("price" - ("quantity" - 1))'),
        ("price / quantity % 3", '("price" / "quantity" % 3)'),
        ("price ^ 2 * 3", '(("price" ^ 2) * 3)'),
        ("-price * 2", '((-"price") * 2)'),
        ("- -price", '(-(-"price"))'),
        ("+price", '(+"price")'),
        ("-price::integer", '(-CAST("price" AS integer))'),
        ("name || ' x'", "(\"name\" || ' x')"),
    ],
)
def test_arithmetic_renders_fully_parenthesised_with_postgres_precedence(
    expression: str, expected: str
) -> None:
    assert render(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (
            "price > 1 OR quantity > 1 AND NOT discount = 0",
            '(("price" > 1) OR (("quantity" > 1) AND (NOT ("discount" = 0))))',
        ),
        (
            "price = 1 AND quantity <> 2 AND discount != 3",
            '(("price" = 1) AND ("quantity" <> 2) AND ("discount" <> 3))',
        ),
        ("price IS NULL", '("price" IS NULL)'),
        (
            "price is not null and quantity is true",
            '(("price" IS NOT NULL) AND ("quantity" IS TRUE))',
        ),
        ("price IS NOT FALSE", '("price" IS NOT FALSE)'),
        ("price IS DISTINCT FROM quantity", '("price" IS DISTINCT FROM "quantity")'),
        ("price IS NOT DISTINCT FROM 1", '("price" IS NOT DISTINCT FROM 1)'),
        (
            "price BETWEEN 1 AND 10 AND quantity > 0",
            '(("price" BETWEEN 1 AND 10) AND ("quantity" > 0))',
        ),
        ("price NOT BETWEEN 1 AND 2", '("price" NOT BETWEEN 1 AND 2)'),
        ("price IN (1, 2, 3)", '("price" IN (1, 2, 3))'),
        ("price NOT IN (1)", '("price" NOT IN (1))'),
        ("name LIKE 'a%'", "(\"name\" LIKE 'a%')"),
        ("name NOT ILIKE '%b'", "(\"name\" NOT ILIKE '%b')"),
        ("NOT price > 1", '(NOT ("price" > 1))'),
        ("price = 1 IS TRUE", '(("price" = 1) IS TRUE)'),
    ],
)
def test_logic_and_comparisons_render_with_postgres_precedence(
    expression: str, expected: str
) -> None:
    assert render(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("42", "42"),
        ("1.50", "1.50"),
        (".5", "0.5"),
        ("1e3", "1E+3"),
        ("2.5E-2", "0.025"),
        ("2.", "2.0"),
        ("1e0", "1.0"),
        ("'hello'", "'hello'"),
        ("'it''s'", "'it''s'"),
        ("''", "''"),
        ("TRUE", "true"),
        ("false", "false"),
        ("Null", "NULL"),
        ("12345678901234567890123", "12345678901234567890123"),
    ],
)
def test_literals_render_from_their_parsed_values(expression: str, expected: str) -> None:
    assert render(expression) == expected


def test_decimal_without_fraction_stays_numeric_so_division_is_not_integer_division() -> None:
    assert render("5 / 2.") == "(5 / 2.0)"


def test_keyword_directly_followed_by_a_string_is_not_a_prefixed_string() -> None:
    assert render("CASE WHEN price > 1 THEN'x' END") == "CASE WHEN (\"price\" > 1) THEN 'x' END"


def test_string_with_backslash_keeps_its_standard_sql_meaning() -> None:
    # GIVEN a standard SQL string, where a backslash is an ordinary character
    # WHEN it is compiled
    # THEN it renders exactly as psycopg renders the Python string with that backslash
    assert render(r"'a\b\'") == sql.Literal("a\\b\\").as_string(None)


def test_bare_column_names_fold_to_lower_case_like_postgres() -> None:
    assert render("PRICE + Quantity") == '("price" + "quantity")'


def test_quoted_column_names_keep_case_spaces_and_quotes() -> None:
    columns = frozenset({"My Col", 'say "hi"', "Price"})
    assert render('"My Col"', columns) == '"My Col"'
    assert render('"say ""hi"""', columns) == '"say ""hi"""'
    assert render('"Price"', columns) == '"Price"'


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("ROUND(price * quantity, 2)", 'round(("price" * "quantity"), 2)'),
        ("pi()", "pi()"),
        ("coalesce(discount, 0)", 'coalesce("discount", 0)'),
        ("replace(name, 'x', 'y')", "replace(\"name\", 'x', 'y')"),
        (
            "upper(left(name, 1)) || lower(substr(name, 2))",
            '(upper(left("name", 1)) || lower(substr("name", 2)))',
        ),
        ("jsonb_typeof(data)", 'jsonb_typeof("data")'),
    ],
)
def test_allowed_functions_render_with_our_spelling(expression: str, expected: str) -> None:
    assert render(expression) == expected


def test_allowlist_holds_the_documented_functions_and_no_volatile_ones() -> None:
    assert {"abs", "round", "coalesce", "substring", "date_trunc"} <= FORMULA_FUNCTIONS
    assert {"jsonb_typeof", "atan2", "make_timestamp"} <= FORMULA_FUNCTIONS
    # Only stable, so never accepted in a generated column: refused by us with a clear message.
    assert not {"concat", "to_char", "jsonb_build_object", "array_to_string"} & FORMULA_FUNCTIONS
    forbidden = {"now", "random", "pg_sleep", "set_config", "current_setting", "nextval", "format"}
    assert not forbidden & FORMULA_FUNCTIONS
    assert not any(name.startswith(("pg_", "lo_", "dblink")) for name in FORMULA_FUNCTIONS)
    assert all(name == name.lower() for name in FORMULA_FUNCTIONS)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (
            "CASE WHEN price > 10 THEN 'big' WHEN price > 5 THEN 'medium' ELSE 'small' END",
            "CASE WHEN (\"price\" > 10) THEN 'big' WHEN (\"price\" > 5) THEN 'medium' "
            "ELSE 'small' END",
        ),
        ("case when price is null then 0 end", 'CASE WHEN ("price" IS NULL) THEN 0 END'),
        ("CASE quantity WHEN 1 THEN 'one' END", "CASE \"quantity\" WHEN 1 THEN 'one' END"),
        ("CASE (quantity) WHEN 1 THEN 2 ELSE 3 END", 'CASE "quantity" WHEN 1 THEN 2 ELSE 3 END'),
    ],
)
def test_case_expressions_render_in_searched_and_simple_form(
    expression: str, expected: str
) -> None:
    assert render(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("price::text", 'CAST("price" AS text)'),
        ("price::INT", 'CAST("price" AS integer)'),
        ("price::numeric(10, 2)", 'CAST("price" AS numeric(10, 2))'),
        ("price::decimal(8)", 'CAST("price" AS numeric(8))'),
        ("name::varchar(20)", 'CAST("name" AS varchar(20))'),
        ("CAST(price AS double precision)", 'CAST("price" AS double precision)'),
        ("cast(price as float)", 'CAST("price" AS double precision)'),
        ("born::timestamp with time zone", 'CAST("born" AS timestamptz)'),
        ("born::timestamp without time zone", 'CAST("born" AS timestamp)'),
        ("born::timestamp", 'CAST("born" AS timestamp)'),
        ("tags::text[]", 'CAST("tags" AS text[])'),
        ("'1 day'::interval", "CAST('1 day' AS interval)"),
        ("price::text::integer", 'CAST(CAST("price" AS text) AS integer)'),
    ],
)
def test_casts_to_allowed_types_render_as_cast(expression: str, expected: str) -> None:
    assert render(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("data -> 'a'", "(\"data\" -> 'a')"),
        ("data->'a'->>'b'", "(\"data\" -> 'a' ->> 'b')"),
        ("data ->> 0", '("data" ->> 0)'),
    ],
)
def test_json_access_operators_render(expression: str, expected: str) -> None:
    assert render(expression) == expected


def test_result_is_composed_even_for_a_single_column() -> None:
    assert isinstance(compile_formula("price", columns=COLUMNS), sql.Composed)


def test_result_fits_a_generated_column_definition() -> None:
    formula = compile_formula("round(price * (1 - discount / 100.0), 2)", columns=COLUMNS)
    statement = sql.SQL("ALTER TABLE {} ADD COLUMN {} numeric GENERATED ALWAYS AS ({}) STORED")
    text = statement.format(sql.Identifier("items"), sql.Identifier("net"), formula)
    assert text.as_string(None) == (
        'ALTER TABLE "items" ADD COLUMN "net" numeric GENERATED ALWAYS AS '
        '(round(("price" * (1 - ("discount" / 100.0))), 2)) STORED'
    )


def test_columns_may_be_any_collection() -> None:
    assert render("price", ["price"]) == '"price"'


def test_whitespace_and_newlines_between_tokens_are_ignored() -> None:
    assert render("\n\tprice\r\n*\fquantity  ") == '("price" * "quantity")'


def test_long_flat_chains_are_not_nesting() -> None:
    expression = " + ".join(["p"] * 400)
    assert render(expression, frozenset({"p"})).count('"p"') == 400


def test_nesting_within_the_limit_compiles() -> None:
    depth = MAX_FORMULA_DEPTH // 2
    assert render("(" * depth + "price" + ")" * depth) == '"price"'


# --- what is rejected, and how it is named ---------------------------------------------------


def test_unknown_column_is_rejected_naming_the_column_and_position() -> None:
    assert rejection("price + prise") == "formula: unknown column 'prise' at position 9"


def test_column_names_are_case_sensitive_after_folding() -> None:
    assert rejection('"Price"') == "formula: unknown column 'Price' at position 1"
    assert rejection("my col") == "formula: unknown column 'my' at position 1"


def test_disallowed_function_is_rejected_naming_the_function() -> None:
    assert rejection("pg_sleep(10)") == "formula: function 'pg_sleep' is not allowed at position 1"


def test_unexpected_token_is_rejected_naming_it_and_its_position() -> None:
    assert rejection("round(price, 2))") == "formula: unexpected ')' at position 16"


def test_empty_expression_is_rejected() -> None:
    assert rejection("") == "formula: expression is empty"
    assert rejection("   \n ") == "formula: expression is empty"


def test_other_tables_column_is_rejected() -> None:
    assert rejection("other.price") == (
        "formula: a formula may not refer to column 'price' of another table at position 1"
    )


def test_incomplete_expression_is_rejected_at_its_end() -> None:
    assert rejection("price +") == "formula: unexpected end of expression at position 8"


def test_missing_closing_parenthesis_is_named() -> None:
    assert rejection("round(price, 2") == (
        "formula: expected ')', found the end of the expression at position 15"
    )


def test_disallowed_type_is_rejected_naming_the_type() -> None:
    assert rejection("price::regclass") == "formula: type 'regclass' is not allowed at position 8"


def test_semicolon_is_rejected_as_a_second_statement() -> None:
    assert rejection("1); DROP TABLE x; --") == (
        "formula: ';' is not allowed: a formula is a single expression at position 3"
    )


def test_too_long_expression_is_rejected() -> None:
    expression = "price + " * (MAX_FORMULA_LENGTH // 8) + "1"
    assert len(expression) > MAX_FORMULA_LENGTH
    assert rejection(expression) == (
        f"formula: expression is longer than {MAX_FORMULA_LENGTH} characters"
    )


@pytest.mark.parametrize(
    "expression",
    [
        "(" * 60 + "price" + ")" * 60,
        "- " * 60 + "price",
        "NOT " * 60 + "price",
        "price" + "::text" * 60,
        "abs(" * 60 + "price" + ")" * 60,
    ],
)
def test_too_deep_nesting_is_rejected(expression: str) -> None:
    assert rejection(expression) == (
        f"formula: expression nests more than {MAX_FORMULA_DEPTH} levels"
    )


def mixed_nesting(repeat: int) -> str:
    """Nesting that climbs every precedence level at each parenthesis: the deepest stack."""
    level = "price OR price AND price = price || price + price * price ^ -("
    return level * repeat + "price" + ")" * repeat


@pytest.mark.parametrize("repeat", range(1, 6))
def test_mixed_operators_nested_within_the_limit_render(repeat: int) -> None:
    text = render(mixed_nesting(repeat), frozenset({"price"}))
    assert text.count('"price"') == 7 * repeat + 1


@pytest.mark.parametrize("repeat", range(6, 32))
def test_mixed_operators_nested_past_the_limit_are_rejected_not_overflowing(repeat: int) -> None:
    assert len(mixed_nesting(repeat)) <= MAX_FORMULA_LENGTH
    assert "nests more than" in rejection(mixed_nesting(repeat), frozenset({"price"}))


@pytest.mark.parametrize(
    "expression",
    [
        "1); DROP TABLE x; --",
        "price; DROP TABLE x",
        "price /* */",
        "price -- comment",
        "price --",
        "pg_sleep(10)",
        "PG_SLEEP(10)",
        "(select 1)",
        "select 1",
        "price IN (SELECT price FROM x)",
        "exists(select 1)",
        '"price"" ; drop"',
        "price::regclass",
        "CAST(price AS regclass)",
        'price::"text"',
        "$$x$$",
        "$1",
        "price$",
        "other.price",
        'other."price"',
        "public.abs(price)",
        '"abs"(price)',
        "current_setting('x')",
        "set_config('a', 'b', false)",
        "nextval('s')",
        "now()",
        "random()",
        "lo_import('/etc/passwd')",
        "dblink('x', 'y')",
        "query_to_xml('select 1', true, true, '')",
        "format('%s', price)",
        "current_user",
        "current_timestamp",
        "E'\\x41'",
        "e'it\\'s'",
        "U&'d\\0061t'",
        "B'101'",
        "X'1F'",
        "'unterminated",
        '"unterminated',
        '""',
        "price price",
        "price)",
        "(price",
        "price +",
        "()",
        "round(price, 2",
        "round(price,)",
        "count(*)",
        "price IN ()",
        "CASE END",
        "CASE WHEN price THEN 1",
        "price = 1 = 2",
        "price < 1 > 2",
        "price LIKE 'a' LIKE 'b'",
        "price IS 5",
        "price NOT 5",
        "price::double",
        "price::numeric(10, 2, 3)",
        "price::numeric(1.5)",
        "price::text[",
        "ARRAY[1, 2]",
        "price[1]",
        "price @ 1",
        "price # 1",
        "price ~ 'x'",
        "price & 1",
        "price ! 1",
        "price \\ 1",
        "price ` 1",
        "{price}",
        "1abc",
        "1e",
        "0x1F",
        "1_000",
        "price\x00",
        "'a\x00b'",
        "'\ud800'",
        "price\u00a0+ 1",
        "interval '1 day'",
        "date '2020-01-01'",
        "price::interval hour",
        "substring(name from 1 for 2)",
        "trim(both 'x' from name)",
        "position('a' in name)",
        "extract(year from born)",
        'price COLLATE "C"',
        "price AT TIME ZONE 'UTC'",
        "round(price => 2)",
        "coalesce(VARIADIC price)",
        "concat(DISTINCT name)",
        "price.*",
        "*",
    ],
)
def test_injection_and_unsupported_syntax_are_rejected(expression: str) -> None:
    message = rejection(expression)
    assert message.startswith("formula: ")


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("price /* x */", "comments are not allowed at position 7"),
        ("price -- x", "comments are not allowed at position 7"),
        ("$$x$$", "'$' is not allowed at position 1"),
        ("E'x'", "prefixed strings such as E'...' are not supported at position 1"),
        ("'abc", "unterminated string at position 1"),
        ('"abc', "unterminated quoted name at position 1"),
        ("price @ 1", "unexpected character '@' at position 7"),
        ("1abc", "malformed number '1abc' at position 1"),
        ("(select 1)", "unexpected 'select' at position 2"),
        ('"abs"(price)', "a function name may not be quoted at position 1"),
        ("public.abs(price)", "function 'public.abs' is not allowed at position 1"),
        ("CASE END", "unexpected 'END' at position 6"),
        ("CASE price END", "expected WHEN, found 'END' at position 12"),
        ("price IS 5", "expected NULL, TRUE, FALSE or DISTINCT FROM after IS, found number 5"),
        ("price = 1 = 2", "unexpected '=' at position 11"),
        ("price 'x'", "unexpected string 'x' at position 7"),
        ('price::"text"', "expected a type name, found '\"text\"' at position 8"),
        ("price::double", "type 'double' is not allowed at position 8"),
        ("price::numeric(1.5)", "expected a whole number, found number 1.5 at position 16"),
        ("price\x00", "NUL characters are not allowed at position 6"),
    ],
)
def test_rejections_name_the_problem_and_position(expression: str, problem: str) -> None:
    assert problem in rejection(expression)


def test_rejection_is_a_400_invalid_formula_error() -> None:
    with pytest.raises(InvalidFormulaError) as caught:
        compile_formula("pg_sleep(1)", columns=COLUMNS)
    assert caught.value.status == 400
    assert caught.value.code == "invalid_formula"


def test_non_string_expression_is_rejected() -> None:
    with pytest.raises(InvalidFormulaError, match="must be a string"):
        compile_formula(42, columns=COLUMNS)  # type: ignore[arg-type]


def test_reserved_word_column_must_be_quoted() -> None:
    columns = frozenset({"user", "order"})
    assert rejection("user", columns).startswith("formula: unexpected 'user'")
    assert render('"user" || "order"', columns) == '("user" || "order")'
