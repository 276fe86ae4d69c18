"""The AWS clients on botocore's data trimmed at layer build time (polarbase.aws_models).

The trimmed data is cut here from this venv's botocore into a temporary folder, as
scripts/build_layers.sh cuts it into the core layer: these tests check that it keeps every
operation the code calls, unchanged, resolves endpoints as botocore's own data does, and that the
clients made on it still read, write (conditionally) and sign against moto.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from polarbase.aws_clients import AwsClients
from polarbase.aws_models import CLIENT_SERVICES, OPERATIONS, trimmed_loader, write_trimmed_data
from polarbase.metadata import MetadataStore, S3MetadataSync
from polarbase.secrets import read_secret
from polarbase.storage import S3BlobStore
from tests.fixtures.moto import FAKE_CREDENTIALS, REGION

PACKAGE = Path(__file__).resolve().parents[2] / "layers/core/python/polarbase"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4
FILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
# Every file that calls a client's methods, and how it names the client there.
CALLERS = {"s3": [("storage/s3.py", "self.client")]}
# Client methods that are no operation of the service model.
NOT_OPERATIONS = {"exceptions", "generate_presigned_url", "generate_presigned_post", "meta"}


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("botocore-data")
    write_trimmed_data(folder)
    return folder


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def clients(trimmed: Path, moto_endpoint: str, aws_environment: None) -> AwsClients:
    return AwsClients(region=REGION, s3_endpoint_url=moto_endpoint, botocore_data=trimmed)


def full_model(service: str) -> dict[str, Any]:
    """botocore's model file as it ships (its sdk-extras are applied when a client loads it)."""
    from botocore.loaders import Loader

    loader = Loader()
    version = loader.determine_latest_version(service, "service-2")
    model: dict[str, Any] = loader.load_data(f"{service}/{version}/service-2")
    return model


def without_documentation(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: without_documentation(v) for k, v in node.items() if k != "documentation"}
    if isinstance(node, list):
        return [without_documentation(item) for item in node]
    return node


# --- the data ----------------------------------------------------------------------------------


@pytest.mark.parametrize("service", sorted(CALLERS))
def test_the_trimmed_model_keeps_every_operation_the_code_calls(
    trimmed: Path, service: str
) -> None:
    from botocore import xform_name

    manifest = json.loads((trimmed / "manifest.json").read_text())
    model = json.loads(
        (trimmed / service / manifest["services"][service] / "service-2.json").read_text()
    )
    called = {
        method
        for path, name in CALLERS[service]
        for method in re.findall(re.escape(name) + r"\.(\w+)", (PACKAGE / path).read_text())
    }

    assert called - NOT_OPERATIONS, f"no call found in {CALLERS[service]}: has the code moved?"
    assert called - NOT_OPERATIONS <= {xform_name(name) for name in model["operations"]}
    assert set(model["operations"]) == OPERATIONS[service]


@pytest.mark.parametrize("service", sorted(OPERATIONS))
def test_the_trimmed_model_is_botocores_own_less_other_operations_and_documentation(
    trimmed: Path, service: str
) -> None:
    full = full_model(service)
    manifest = json.loads((trimmed / "manifest.json").read_text())
    model = json.loads(
        (trimmed / service / manifest["services"][service] / "service-2.json").read_text()
    )

    operations = {name: full["operations"][name] for name in OPERATIONS[service]}
    assert model["operations"] == without_documentation(operations)
    shapes = {name: full["shapes"][name] for name in model["shapes"]}
    assert model["shapes"] == without_documentation(shapes)
    assert {key: value for key, value in model.items() if key not in ("operations", "shapes")} == {
        key: value for key, value in full.items() if key not in ("operations", "shapes")
    }


@pytest.mark.parametrize("service", sorted(OPERATIONS))
def test_the_endpoint_rules_are_botocores_own(trimmed: Path, service: str) -> None:
    from botocore.loaders import Loader

    version = json.loads((trimmed / "manifest.json").read_text())["services"][service]
    name = f"{service}/{version}/endpoint-rule-set-1"
    rules = json.loads((trimmed / f"{name}.json").read_text())

    assert rules == Loader().load_data(name)


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"])
def test_every_client_resolves_its_endpoint_as_with_botocores_own_data(
    trimmed: Path, aws_environment: None, region: str
) -> None:
    ours = AwsClients(region=region, botocore_data=trimmed)
    theirs = AwsClients(region=region, botocore_data=trimmed / "absent")
    makers: dict[str, Callable[[AwsClients], Any]] = {
        "s3": AwsClients.s3,
        "dynamodb": AwsClients.dynamodb,
        "lambda": AwsClients.lambda_,
    }
    # apigatewaymanagementapi has no endpoint but the one it is given
    assert set(makers) == set(CLIENT_SERVICES) - {"apigatewaymanagementapi"}
    for service, make in makers.items():
        a, b = make(ours), make(theirs)
        assert (a.meta.endpoint_url, a.meta.region_name, a.meta.partition) == (
            b.meta.endpoint_url,
            b.meta.region_name,
            b.meta.partition,
        ), service
    # and S3's presigned URLs: the same host and path (virtual or path style) and signing scope
    links = [
        urlsplit(
            clients.s3().generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
        )
        for clients in (ours, theirs)
    ]
    # key id / date / region / service / aws4_request
    scopes = [parse_qs(link.query)["X-Amz-Credential"][0].split("/")[2:] for link in links]
    assert links[0].netloc == links[1].netloc
    assert links[0].path == links[1].path
    assert scopes[0] == scopes[1]


def test_the_clients_use_the_trimmed_data_when_it_is_this_botocores(clients: AwsClients) -> None:
    assert set(clients.s3().meta.service_model.operation_names) == OPERATIONS["s3"]
    # services it does not trim: botocore's own model, from the same session
    assert "Query" in clients.dynamodb().meta.service_model.operation_names


def test_data_cut_from_another_botocore_is_not_used(
    trimmed: Path, tmp_path: Path, aws_environment: None
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    for file in trimmed.rglob("*.json"):
        target = other / file.relative_to(trimmed)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.read_bytes())
    manifest = json.loads((other / "manifest.json").read_text())
    (other / "manifest.json").write_text(json.dumps({**manifest, "botocore": "0.0.1"}))

    assert trimmed_loader(other) is None
    assert trimmed_loader(tmp_path / "absent") is None
    s3 = AwsClients(region=REGION, botocore_data=other).s3()
    assert len(s3.meta.service_model.operation_names) > len(OPERATIONS["s3"])


def test_aws_data_path_keeps_botocores_own_loader(
    trimmed: Path, tmp_path: Path, aws_environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))

    s3 = AwsClients(region=REGION, botocore_data=trimmed).s3()

    assert len(s3.meta.service_model.operation_names) > len(OPERATIONS["s3"])


# --- the clients against moto -------------------------------------------------------------------


@pytest.fixture
def bucket(make_bucket: Callable[[], str]) -> str:
    return make_bucket()


@pytest.fixture
def store(clients: AwsClients, bucket: str) -> S3BlobStore:
    return S3BlobStore(clients.s3(), bucket, prefix=f"t-{uuid.uuid4().hex[:8]}/")


def test_files_are_written_read_listed_and_deleted(store: S3BlobStore) -> None:
    info = store.put("a/b.pdf", PDF, content_type="application/pdf", name="b.pdf", file_id=FILE_ID)

    assert info.size == len(PDF)
    head = store.head("a/b.pdf")
    assert head is not None
    assert (head.name, head.file_id) == ("b.pdf", FILE_ID)
    assert store.read("a/b.pdf") == PDF
    assert store.read("a/b.pdf", length=4) == PDF[:4]
    assert [item.key for item in store.list()] == ["a/b.pdf"]
    assert store.delete("a/b.pdf") is True
    assert store.head("a/b.pdf") is None


def test_a_presigned_get_downloads_the_file(store: S3BlobStore) -> None:
    store.put("a.pdf", PDF, content_type="application/pdf", name="a.pdf", file_id=FILE_ID)

    url, _ = store.signed_url("a.pdf", expires_in=60, download_name="a.pdf")
    response = httpx.get(url)

    assert response.status_code == 200
    assert response.content == PDF
    assert "X-Amz-Signature=" in url


def test_a_presigned_post_uploads_the_file(store: S3BlobStore) -> None:
    upload = store.presign_upload(
        "up.pdf", max_bytes=len(PDF), expires_in=60, name="up.pdf", file_id=FILE_ID
    )

    response = httpx.post(
        upload.url,
        data={**upload.fields, "Content-Type": "application/pdf"},
        files={upload.file_field: ("up.pdf", PDF, "application/pdf")},
    )

    assert response.status_code == 204, response.text
    assert store.read("up.pdf") == PDF


def test_a_conditional_write_that_loses_the_race_is_replayed(
    trimmed: Path, moto_endpoint: str, aws_environment: None, bucket: str, tmp_path: Path
) -> None:
    def make_store(name: str) -> tuple[MetadataStore, S3MetadataSync]:
        # a process of its own: its own clients and copy
        client = AwsClients(region=REGION, s3_endpoint_url=moto_endpoint, botocore_data=trimmed)
        sync = S3MetadataSync(
            client.objects(), bucket=bucket, key="m.sqlite3", path=tmp_path / name
        )
        return MetadataStore(sync, freshness_seconds=0), sync

    other, _ = make_store("a.db")
    store, sync = make_store("b.db")
    other.migrate()
    store.migrate()
    runs = 0

    def change(db: sqlite3.Connection) -> None:
        nonlocal runs
        runs += 1
        if runs == 1:  # the other writes between this one's GET and its conditional PUT
            other.write(lambda other_db: other_db.execute("INSERT INTO settings VALUES ('o', '1')"))
        db.execute("INSERT INTO settings VALUES ('t', '2')")

    store.write(change)

    assert (runs, sync.conflicts) == (2, 1)
    names = store.read(lambda db: {name for (name,) in db.execute("SELECT name FROM settings")})
    assert names == {"o", "t"}


def test_a_secret_is_read(
    clients: AwsClients, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fixtures.moto import moto_client

    secret = moto_client("secretsmanager", moto_endpoint).create_secret(
        Name=f"polarbase/{uuid.uuid4().hex[:8]}", SecretString="postgresql://x"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto_endpoint)

    assert read_secret(clients, secret["ARN"], purpose="test") == "postgresql://x"
