"""Settings: argument over variable over default, each type's conversion and its error, secrets.

These are the only tests that set environment variables: reading them is what config.py is for.
Every other test passes its settings as arguments (STYLE 5.3).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from polarbase.config import MIN_SUPER_ADMIN_KEY_LENGTH, Secret, Settings, SettingsError

KEY = "ak_" + "k" * 64


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No PolarBase variable from the shell running the tests; the test sets its own."""
    for name in list(os.environ):
        if name.startswith("POLARBASE_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    return monkeypatch


def test_an_argument_wins_over_its_variable_which_wins_over_the_default(environment):
    assert Settings().port == 3000
    environment.setenv("POLARBASE_PORT", "4000")
    assert Settings().port == 4000
    assert Settings(port=5000).port == 5000


def test_an_argument_equal_to_the_default_still_wins_over_the_variable(environment):
    environment.setenv("POLARBASE_DB_SCHEMA", "crm")
    assert Settings(db_schema="public").db_schema == "public"


def test_the_database_url_is_read_from_DATABASE_URL(environment):
    environment.setenv("POLARBASE_DATABASE_URL", "postgresql://ignored")
    assert Settings().database_url is None
    environment.setenv("DATABASE_URL", "postgresql://db.example/app")
    settings = Settings()
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://db.example/app"
    assert Settings(database_url="postgresql://flag").database_url == Secret("postgresql://flag")


@pytest.mark.parametrize(
    ("variable", "text", "name", "expected"),
    [
        ("POLARBASE_HOST", "0.0.0.0", "host", "0.0.0.0"),
        ("POLARBASE_PORT", "8080", "port", 8080),
        ("POLARBASE_PORT", " 8080 ", "port", 8080),
        ("POLARBASE_SCHEMA_TTL_SECONDS", "2.5", "schema_ttl_seconds", 2.5),
        ("POLARBASE_SCHEMA_TTL_SECONDS", "5", "schema_ttl_seconds", 5.0),
        ("POLARBASE_DATA_DIR", "/srv/polarbase", "data_dir", Path("/srv/polarbase")),
        ("POLARBASE_LOG_LEVEL", "debug", "log_level", "debug"),
        ("POLARBASE_AWS_REGION", "eu-west-1", "aws_region", "eu-west-1"),
        ("POLARBASE_AWS_REGION", "", "aws_region", None),
        ("POLARBASE_SUPER_ADMIN_KEY", "", "super_admin_key", None),
        ("POLARBASE_SUPER_ADMIN_KEY", KEY, "super_admin_key", Secret(KEY)),
    ],
)
def test_a_variable_is_converted_to_its_settings_type(environment, variable, text, name, expected):
    environment.setenv(variable, text)
    value = getattr(Settings(), name)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *((word, True) for word in ("true", "True", "TRUE", "1", "yes", "Yes", "on", "ON")),
        *((word, False) for word in ("false", "False", "0", "no", "NO", "off", "Off")),
    ],
)
def test_a_boolean_variable_reads_the_usual_words_in_any_case(environment, text, expected):
    environment.setenv("POLARBASE_DEMO", text)
    assert Settings().demo is expected


def test_a_choice_is_one_of_its_values(environment):
    environment.setenv("POLARBASE_MODE", "aws")
    environment.setenv("POLARBASE_METADATA_BUCKET", "bucket")
    assert Settings().mode == "aws"


@pytest.mark.parametrize(
    ("variable", "text", "message"),
    [
        ("POLARBASE_PORT", "abc", "POLARBASE_PORT: 'abc' is not an integer"),
        ("POLARBASE_PORT", "80.5", "POLARBASE_PORT: '80.5' is not an integer"),
        ("POLARBASE_RATE_LIMIT", "", "POLARBASE_RATE_LIMIT: '' is not an integer"),
        (
            "POLARBASE_SCHEMA_TTL_SECONDS",
            "soon",
            "POLARBASE_SCHEMA_TTL_SECONDS: 'soon' is not a number",
        ),
        (
            "POLARBASE_DEMO",
            "maybe",
            "POLARBASE_DEMO: 'maybe' is not true or false (or 1/0, yes/no, on/off)",
        ),
        ("POLARBASE_MODE", "cloud", "POLARBASE_MODE: 'cloud' is not one of 'local', 'aws'"),
        ("POLARBASE_MODE", "AWS", "POLARBASE_MODE: 'AWS' is not one of 'local', 'aws'"),
    ],
)
def test_a_variable_that_cannot_be_converted_is_refused_naming_it(
    environment, variable, text, message
):
    environment.setenv(variable, text)
    with pytest.raises(SettingsError) as refused:
        Settings()
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"port": "abc"}, "port: 'abc' is not an integer"),
        ({"port": True}, "port: True is not an integer"),
        ({"host": 8080}, "host: 8080 is not a string"),
        ({"data_dir": 3}, "data_dir: 3 is not a path"),
        ({"demo": "sometimes"}, "demo: 'sometimes' is not true or false (or 1/0, yes/no, on/off)"),
        ({"mode": "lambda"}, "mode: 'lambda' is not one of 'local', 'aws'"),
    ],
)
def test_an_argument_that_cannot_be_converted_is_refused_naming_it(arguments, message):
    with pytest.raises(SettingsError) as refused:
        Settings(**arguments)
    assert str(refused.value) == message


def test_arguments_given_as_strings_are_converted_as_variables_are():
    settings = Settings(port="8080", demo="on", data_dir="/srv/pb", schema_ttl_seconds=1)
    assert (settings.port, settings.demo, settings.data_dir) == (8080, True, Path("/srv/pb"))
    assert settings.schema_ttl_seconds == 1.0
    assert isinstance(settings.schema_ttl_seconds, float)


def test_every_problem_is_in_one_error(environment):
    environment.setenv("POLARBASE_PORT", "abc")
    with pytest.raises(SettingsError) as refused:
        Settings(demo="maybe")
    assert str(refused.value) == (
        "POLARBASE_PORT: 'abc' is not an integer; "
        "demo: 'maybe' is not true or false (or 1/0, yes/no, on/off)"
    )


def test_an_argument_that_names_no_setting_is_a_type_error():
    with pytest.raises(TypeError, match="portt"):
        Settings(portt=8080)


def test_settings_are_frozen():
    settings = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.port = 1  # type: ignore[misc]


def test_secrets_never_show_their_value():
    settings = Settings(database_url="postgresql://user:hunter2@db/app", super_admin_key=KEY)
    for text in (repr(settings), str(settings), repr(settings.database_url), f"{settings}"):
        assert "hunter2" not in text
        assert KEY not in text
    assert repr(settings.super_admin_key) == "Secret('**********')"
    assert str(settings.super_admin_key) == "**********"
    assert settings.super_admin_key is not None
    assert settings.super_admin_key.get_secret_value() == KEY


def test_a_secret_that_is_not_a_string_is_refused_without_showing_it():
    with pytest.raises(SettingsError) as refused:
        Settings(database_url=12345678)
    assert str(refused.value) == "database_url: not a string"


@pytest.mark.parametrize("source", ["variable", "argument"])
def test_a_super_admin_key_shorter_than_the_minimum_is_refused_without_echoing_it(
    environment, source
):
    short = "s" * (MIN_SUPER_ADMIN_KEY_LENGTH - 1)
    arguments = {}
    if source == "variable":
        environment.setenv("POLARBASE_SUPER_ADMIN_KEY", short)
    else:
        arguments["super_admin_key"] = short
    with pytest.raises(SettingsError) as refused:
        Settings(**arguments)
    assert str(refused.value) == (
        "the super admin key (POLARBASE_SUPER_ADMIN_KEY, --super-admin-key) must be at least "
        f"{MIN_SUPER_ADMIN_KEY_LENGTH} characters (a generated key has 67)"
    )
    assert short not in str(refused.value)
    exactly = "s" * MIN_SUPER_ADMIN_KEY_LENGTH
    assert Settings(super_admin_key=exactly).super_admin_key == Secret(exactly)


@pytest.mark.parametrize("empty", ["", Secret("")])
def test_an_empty_super_admin_key_means_none_was_given(empty):
    assert Settings(super_admin_key=empty).super_admin_key is None


def test_the_aws_mode_needs_a_metadata_bucket(environment):
    message = "POLARBASE_METADATA_BUCKET must be set when POLARBASE_MODE is aws"
    with pytest.raises(SettingsError, match=message):
        Settings(mode="aws")
    environment.setenv("POLARBASE_METADATA_BUCKET", "")
    with pytest.raises(SettingsError, match=message):
        Settings(mode="aws")
    environment.setenv("POLARBASE_METADATA_BUCKET", "polarbase-metadata")
    assert Settings(mode="aws").metadata_bucket == "polarbase-metadata"


def test_the_metadata_file_is_in_the_data_dir_locally_and_in_the_cache_dir_on_aws(tmp_path):
    local = Settings(data_dir=tmp_path / "data")
    assert local.metadata_path == tmp_path / "data" / "metadata.sqlite3"
    assert local.postgres_data_dir == tmp_path / "data" / "postgres"
    aws = Settings(mode="aws", metadata_bucket="bucket", cache_dir=tmp_path / "cache")
    assert aws.metadata_path == tmp_path / "cache" / "metadata.sqlite3"
