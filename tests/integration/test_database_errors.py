"""Each row of the SQLSTATE table in errors.py, caused for real in PostgreSQL."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import sql

from polarbase.errors import (
    AlreadyExistsError,
    CheckViolationError,
    ConflictError,
    DuplicateValueError,
    ForeignKeyViolationError,
    InvalidInputError,
    RuleViolationError,
    SchemaChangedError,
    translate_database_error,
)


@pytest.fixture
def tables(pg):
    suffix = uuid.uuid4().hex[:8]
    parent, child = f"parent_{suffix}", f"child_{suffix}"
    pg.execute(
        sql.SQL(
            "CREATE TABLE {p} (id int PRIMARY KEY, email text UNIQUE, "
            "score int CONSTRAINT {c} CHECK (score <= 10), name text NOT NULL DEFAULT 'x');"
            "CREATE TABLE {ch} (id int PRIMARY KEY, parent_id int REFERENCES {p} (id))"
        ).format(
            p=sql.Identifier(parent),
            ch=sql.Identifier(child),
            c=sql.Identifier(f"{parent}_score_value_range_check"),
        )
    )
    pg.execute(
        sql.SQL("INSERT INTO {} (id, email) VALUES (1, 'a@x.com')").format(sql.Identifier(parent))
    )
    pg.execute(sql.SQL("INSERT INTO {} VALUES (1, 1)").format(sql.Identifier(child)))
    yield parent, child
    pg.execute(sql.SQL("DROP TABLE {}, {}").format(sql.Identifier(child), sql.Identifier(parent)))


def _translate(pg, statement: sql.Composable):
    with pytest.raises(psycopg.Error) as caught:
        pg.execute(statement)
    return translate_database_error(caught.value)


def test_unique_violation_is_duplicate_value_naming_column_and_value(pg, tables):
    parent, _ = tables
    error = _translate(
        pg,
        sql.SQL("INSERT INTO {} (id, email) VALUES (2, 'a@x.com')").format(sql.Identifier(parent)),
    )
    assert isinstance(error, DuplicateValueError)
    assert error.status == 409
    assert "email" in error.message
    assert "a@x.com" in error.message


def test_foreign_key_violation_names_the_missing_value(pg, tables):
    _, child = tables
    error = _translate(pg, sql.SQL("INSERT INTO {} VALUES (2, 42)").format(sql.Identifier(child)))
    assert isinstance(error, ForeignKeyViolationError)
    assert error.status == 409
    assert "parent_id" in error.message
    assert "42" in error.message


def test_deleting_a_referenced_row_is_a_foreign_key_conflict(pg, tables):
    parent, _ = tables
    error = _translate(pg, sql.SQL("DELETE FROM {} WHERE id = 1").format(sql.Identifier(parent)))
    assert isinstance(error, ForeignKeyViolationError)
    assert "still referenced" in error.message


def test_check_violation_names_the_rule_in_words(pg, tables):
    parent, _ = tables
    error = _translate(
        pg, sql.SQL("INSERT INTO {} (id, score) VALUES (3, 11)").format(sql.Identifier(parent))
    )
    assert isinstance(error, CheckViolationError)
    assert error.status == 409
    assert "score" in error.message
    assert "outside the allowed range" in error.message


def test_not_null_violation_is_a_rule_violation(pg, tables):
    parent, _ = tables
    error = _translate(
        pg, sql.SQL("INSERT INTO {} (id, name) VALUES (4, NULL)").format(sql.Identifier(parent))
    )
    assert isinstance(error, RuleViolationError)
    assert error.status == 422
    assert "name" in error.message


def test_bad_value_for_a_type_is_invalid_input(pg):
    error = _translate(pg, sql.SQL("SELECT 'abc'::integer"))
    assert isinstance(error, InvalidInputError)
    assert error.status == 400


def test_duplicate_table_and_column_are_already_exists(pg, tables):
    parent, _ = tables
    error = _translate(pg, sql.SQL("CREATE TABLE {} (id int)").format(sql.Identifier(parent)))
    assert isinstance(error, AlreadyExistsError)
    assert error.status == 409
    error = _translate(
        pg, sql.SQL("ALTER TABLE {} ADD COLUMN email text").format(sql.Identifier(parent))
    )
    assert isinstance(error, AlreadyExistsError)


def test_dependent_objects_are_a_conflict(pg, tables):
    parent, _ = tables
    error = _translate(pg, sql.SQL("DROP TABLE {}").format(sql.Identifier(parent)))
    assert isinstance(error, ConflictError)
    assert error.status == 409


def test_invalid_generated_column_is_a_rule_violation(pg, tables):
    parent, _ = tables
    error = _translate(
        pg,
        sql.SQL(
            "ALTER TABLE {} ADD COLUMN g timestamptz GENERATED ALWAYS AS (now()) STORED"
        ).format(sql.Identifier(parent)),
    )
    assert isinstance(error, RuleViolationError)
    assert error.status == 422


def test_a_bug_in_our_sql_is_not_translated(pg):
    assert _translate(pg, sql.SQL("SELEC 1")) is None


@pytest.mark.parametrize(
    "statement",
    ["SELECT no_such_column FROM {parent}", "SELECT * FROM {parent}_gone"],
)
def test_undefined_column_or_table_is_schema_changed(pg, tables, statement):
    # The record service reloads the table's shape and runs once more on this error.
    parent, _ = tables
    error = _translate(pg, sql.SQL(statement.format(parent=parent)))
    assert isinstance(error, SchemaChangedError)
    assert error.status == 409
    assert "try again" in error.message


def test_a_check_rule_is_named_by_the_table_shape_when_given(api, make_table, pg):
    # GIVEN a rule whose generated name PostgreSQL shortened (a long table and column name)
    long_column = "c" * 60
    table = make_table(
        name="t" * 50 + uuid.uuid4().hex[:8],
        columns=[{"name": long_column, "dataType": "integer", "validation": {"maxValue": 5}}],
    )
    # WHEN a value breaks it through the API
    response = api.post(f"/rest/db/{table}", json={long_column: 9})
    # THEN the message names the column, found from the shape the statement was built for
    assert response.status_code == 409, response.text
    assert f"value of column '{long_column}'" in response.json()["error"]


def test_a_program_limit_of_postgresql_is_a_rule_violation_not_an_outage(pg):
    arguments = sql.SQL(", ").join(sql.Literal(number) for number in range(101))
    error = _translate(pg, sql.SQL("SELECT concat({})").format(arguments))
    assert isinstance(error, RuleViolationError)
    assert error.status == 422
    assert "limit of PostgreSQL" in error.message
