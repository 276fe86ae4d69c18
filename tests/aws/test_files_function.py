"""The files gc function through its handler (``functions/files/handler.py``), as the hourly
schedule runs it: moto's S3 for the attachments and the metadata, the real PostgreSQL."""

from __future__ import annotations

import asyncio
import importlib.util
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from polarbase.auth import Principal
from polarbase.files import Upload
from polarbase.schema import TableDefinition
from tests.fixtures.lambda_invoke import Context
from tests.fixtures.moto import FAKE_CREDENTIALS, REGION, moto_client
from tests.fixtures.server import SUPER_ADMIN_KEY

ROOT = Path(__file__).resolve().parents[2]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452")


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"files_gc_{uuid.uuid4().hex[:6]}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("grace", ["0", "3600"])
def test_the_scheduled_gc_removes_only_old_files_no_record_names(
    moto_endpoint: str, database_url: str, tmp_path: Path, grace: str
) -> None:
    s3 = moto_client("s3", moto_endpoint)
    bucket, files = (f"polarbase-{kind}-{uuid.uuid4().hex[:10]}" for kind in ("meta", "files"))
    s3.create_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=files)
    table = f"docs_{uuid.uuid4().hex[:8]}"
    # The function's environment for the whole test, as Lambda keeps it for its life.
    with pytest.MonkeyPatch.context() as env:
        for name, value in {
            **FAKE_CREDENTIALS,
            "AWS_ENDPOINT_URL": moto_endpoint,
            "DATABASE_URL": database_url,
            "POLARBASE_MODE": "aws",
            "POLARBASE_AWS_REGION": REGION,
            "POLARBASE_METADATA_BUCKET": bucket,
            "POLARBASE_FILES_BUCKET": files,
            "POLARBASE_SUPER_ADMIN_KEY": SUPER_ADMIN_KEY,
            "POLARBASE_CACHE_DIR": str(tmp_path),
            "POLARBASE_FILES_GC_GRACE_SECONDS": grace,
            "POWERTOOLS_SERVICE_NAME": "polarbase-files",
        }.items():
            env.setenv(name, value)
        module = _load(ROOT / "functions/files/handler.py")
        runtime, loop = module.runtime, module.loop
        try:
            loop.run_until_complete(runtime.start())
            kept, gone = loop.run_until_complete(
                runtime.files.upload(
                    Principal.system(), [Upload("kept.png", PNG), Upload("gone.png", PNG)]
                )
            )
            definition = {"name": table, "columns": [{"name": "files", "dataType": "attachment"}]}
            loop.run_until_complete(
                runtime.tables.create_table(
                    Principal.system(), TableDefinition.model_validate(definition)
                )
            )
            loop.run_until_complete(
                runtime.records.create_records(
                    Principal.system(), table, {"files": [kept]}, bulk=False
                )
            )
            result = module.handler({"source": "aws.events"}, Context("files"))
            listed = {item["Key"] for item in s3.list_objects_v2(Bucket=files).get("Contents", [])}
            assert kept["key"] in listed
            if grace == "0":
                assert result == {"files": 2, "removed": 1, "kept": 1}
                assert gone["key"] not in listed
            else:  # younger than the grace period: kept, named by a record or not
                assert result == {"files": 2, "removed": 0, "kept": 2}
                assert gone["key"] in listed
        finally:
            loop.run_until_complete(runtime.stop())
            with psycopg.connect(database_url, autocommit=True) as connection:
                connection.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
            asyncio.set_event_loop(None)
