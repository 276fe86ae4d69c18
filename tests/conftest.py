"""Test plugins: real servers start once per run (see tests/fixtures)."""

pytest_plugins = ("tests.fixtures.postgres", "tests.fixtures.moto", "tests.fixtures.server")
