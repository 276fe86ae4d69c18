"""/rest/files through both doors (uvicorn with a local folder, the Lambda handler with S3 on moto):
upload, download, signed links, delete, list, and every refusal a clear 4xx with nothing stored."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from tests.helpers import assert_error, assert_ok

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ATTACHMENT_KEYS = {"id", "key", "size", "name", "mimeType", "provider", "uploadedAt"}


def upload(api: httpx.Client, *files: tuple[str, bytes, str | None]) -> httpx.Response:
    parts = [("files", (name, data, kind) if kind else (name, data)) for name, data, kind in files]
    return api.post("/rest/files/upload", files=parts)


def stored_keys(api: httpx.Client) -> set[str]:
    return {
        item["key"] for item in assert_ok(api.get("/rest/files", params={"limit": 1000}))["files"]
    }


def test_upload_returns_attachment_objects_and_the_files_come_back(api):
    response = upload(api, ("pixel.png", PNG, "image/png"), ("Rapport Été.pdf", PDF, None))
    first, second = assert_ok(response)
    assert set(first) == ATTACHMENT_KEYS
    assert (first["name"], first["size"], first["mimeType"]) == ("pixel.png", len(PNG), "image/png")
    assert first["key"].startswith("user-uploads/")
    assert first["key"].endswith("-pixel.png")
    assert first["provider"] in ("local", "s3")
    assert second["mimeType"] == "application/pdf"  # from the bytes: no type was sent
    assert second["name"] == "Rapport Été.pdf"
    assert second["key"].endswith("-rapport-ete.pdf")
    for item, data in ((first, PNG), (second, PDF)):
        got = api.get(f"/rest/files/{item['key']}", follow_redirects=True)
        assert got.status_code == 200, got.text
        assert got.content == data


def test_a_file_needs_a_key_with_the_rest_scope(api, anonymous, make_api_key):
    (item,) = assert_ok(upload(api, ("a.png", PNG, "image/png")))
    assert anonymous.get(f"/rest/files/{item['key']}").status_code == 401
    realtime_only = make_api_key(scopes=["realtime"])
    response = anonymous.get(f"/rest/files/{item['key']}", headers={"x-api-key": realtime_only})
    assert_error(response, 403, "rest")


def test_a_read_only_key_reads_but_does_not_upload_or_delete(api, anonymous, make_api_key):
    (item,) = assert_ok(upload(api, ("a.png", PNG, "image/png")))
    reader = {"x-api-key": make_api_key(scopes=["rest"], readOnly=True)}
    assert (
        anonymous.get(f"/rest/files/{item['key']}", headers=reader, follow_redirects=True).content
        == PNG
    )
    refused = anonymous.post(
        "/rest/files/upload", files=[("files", ("b.png", PNG, "image/png"))], headers=reader
    )
    assert_error(refused, 403, "read-only")
    assert_error(anonymous.delete(f"/rest/files/{item['key']}", headers=reader), 403, "read-only")


def test_signed_link_works_without_the_key_until_it_expires(api, anonymous, transport):
    (item,) = assert_ok(upload(api, ("a.png", PNG, "image/png")))
    link = assert_ok(
        api.get(f"/rest/files/{item['key']}", params={"signed": "true", "expiresIn": 2})
    )
    assert link["expiresIn"] == 2
    assert link["file"]["key"] == item["key"]
    fetched = httpx.get(link["url"], follow_redirects=True, timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == PNG
    if transport == "lambda":
        return  # S3 checks a presigned URL's expiry; moto does not (tests/aws/test_blob_stores.py)
    time.sleep(3.1)
    assert httpx.get(link["url"], follow_redirects=True, timeout=10).status_code in (401, 403)


def test_a_tampered_signed_link_is_refused(api, transport):
    if transport == "lambda":
        pytest.skip("S3 checks a presigned URL's signature; moto does not")
    (item,) = assert_ok(upload(api, ("a.png", PNG, "image/png")))
    url = assert_ok(api.get(f"/rest/files/{item['key']}", params={"signed": "true"}))["url"]
    tampered = url.replace("signature=", "signature=0") if "signature=" in url else url + "x"
    assert httpx.get(tampered, follow_redirects=True, timeout=10).status_code in (401, 403)


def test_signed_link_lifetime_is_capped(api):
    (item,) = assert_ok(upload(api, ("a.png", PNG, "image/png")))
    link = assert_ok(
        api.get(f"/rest/files/{item['key']}", params={"signed": "true", "expiresIn": 10**9})
    )
    assert link["expiresIn"] == 7 * 24 * 3600


def test_delete_removes_the_file(api):
    (item,) = assert_ok(upload(api, ("a.png", PNG, "image/png")))
    assert assert_ok(api.delete(f"/rest/files/{item['key']}")) == {"deleted": item["key"]}
    assert_error(api.get(f"/rest/files/{item['key']}"), 404, item["key"])
    assert_error(api.delete(f"/rest/files/{item['key']}"), 404)


def test_list_pages_through_the_files(api):
    keys = [
        item["key"]
        for item in assert_ok(upload(api, *[(f"f{n}.png", PNG, None) for n in range(3)]))
    ]
    seen: list[str] = []
    after = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"after": after} if after else {})}
        page = assert_ok(api.get("/rest/files", params=params))
        seen += [item["key"] for item in page["files"]]
        after = page["next"]
        if after is None:
            break
    assert set(keys) <= set(seen)
    assert seen == sorted(seen)


@pytest.mark.parametrize(
    ("files", "status", "words"),
    [
        ([], 400, ["files"]),
        ([("empty.txt", b"", "text/plain")], 400, ["empty.txt", "empty"]),
        ([("fake.png", PDF, "image/png")], 415, ["fake.png", "image/png", "application/pdf"]),
        ([(f"n{n}.png", PNG, None) for n in range(11)], 400, ["at most 10"]),
        ([(f"n{n}.png", PNG, None) for n in range(40)], 400, ["at most 10", "40 sent"]),
        ([("big.bin", b"\x00" * (5 * 1024 * 1024 + 1), None)], 413, ["big.bin"]),
        ([("ok.png", PNG, "image/png"), ("bad.png", b"", None)], 400, ["bad.png"]),
    ],
)
def test_bad_uploads_are_refused_and_store_nothing(api, transport, files, status, words):
    before = stored_keys(api)
    if transport == "lambda" and status == 413:
        # Lambda takes at most 6 MB: API Gateway itself answers 413, before PolarBase.
        response = upload(api, *files)
        assert response.status_code == 413
        assert stored_keys(api) == before
        return
    response = (
        upload(api, *files)
        if files
        else api.post("/rest/files/upload", files={"other": ("x", b"x")})
    )
    assert_error(response, status, *words)
    assert stored_keys(api) == before


def test_a_name_with_a_path_is_only_its_last_part(api):
    (item,) = assert_ok(upload(api, ("../../etc/passwd.png", PNG, "image/png")))
    assert item["name"] == "passwd.png"
    assert ".." not in item["key"]


@pytest.mark.parametrize("key", ["../metadata.sqlite3", "user-uploads/../../x", "%2e%2e/secret"])
def test_keys_cannot_leave_the_store(api, key):
    response = api.get(f"/rest/files/{key}")
    assert response.status_code in (400, 404), response.text


def direct_upload(form: dict[str, Any], data: bytes, content_type: str | None = None) -> int:
    """POST a presigned form as a browser would: its fields, then the file (no API key)."""
    fields = dict(form["fields"])
    if content_type is not None:
        fields["Content-Type"] = content_type
    response = httpx.post(
        form["url"], data=fields, files={form["fileField"]: ("upload", data)}, timeout=30
    )
    return response.status_code


def test_presign_then_complete_stores_a_file_past_the_request_limit(api):
    data = PDF + b"\x00" * (6 * 1024 * 1024)  # over Lambda's 6 MB and the upload's 5 MB
    form = assert_ok(
        api.post("/rest/files/presign", json={"name": "big report.pdf", "size": len(data)})
    )
    assert form["maxBytes"] == len(data)
    assert direct_upload(form, data, "application/pdf") in (200, 201, 204)
    item = assert_ok(api.post("/rest/files/complete", json={"key": form["key"]}))
    assert (item["key"], item["size"], item["mimeType"]) == (
        form["key"],
        len(data),
        "application/pdf",
    )
    assert item["name"] == "big report.pdf"
    assert api.get(f"/rest/files/{form['key']}", follow_redirects=True).content == data


def test_complete_refuses_a_lying_file_and_keeps_nothing(api):
    form = assert_ok(api.post("/rest/files/presign", json={"name": "photo.png"}))
    assert direct_upload(form, PDF, "image/png") in (200, 201, 204)
    response = api.post("/rest/files/complete", json={"key": form["key"]})
    assert_error(response, 415, "photo.png", "image/png", "application/pdf")
    assert form["key"] not in stored_keys(api)


def test_complete_of_nothing_uploaded_is_404(api):
    form = assert_ok(api.post("/rest/files/presign", json={"name": "never.png"}))
    assert_error(api.post("/rest/files/complete", json={"key": form["key"]}), 404, form["key"])


@pytest.mark.parametrize(
    ("body", "status", "word"),
    [
        ({"name": "x.bin", "size": 0}, 400, "size"),
        ({"name": "x.bin", "size": 10**12}, 413, "size"),
        ({"size": 3}, 400, "name"),
        ({"name": "x", "colour": "red"}, 400, "colour"),
    ],
)
def test_bad_presign_requests(api, body, status, word):
    assert_error(api.post("/rest/files/presign", json=body), status, word)


def test_a_read_only_key_cannot_presign(anonymous, make_api_key):
    reader = {"x-api-key": make_api_key(scopes=["rest"], readOnly=True)}
    response = anonymous.post("/rest/files/presign", json={"name": "a.png"}, headers=reader)
    assert_error(response, 403, "read-only")


def test_a_local_form_refuses_tampering_and_a_larger_file(api, transport):
    if transport == "lambda":
        pytest.skip("S3 enforces its form's policy; moto does not (tests/aws/test_blob_stores.py)")
    form = assert_ok(api.post("/rest/files/presign", json={"name": "a.png", "size": len(PNG)}))
    tampered = {**form, "fields": {**form["fields"], "key": "user-uploads/elsewhere.png"}}
    assert direct_upload(tampered, PNG) == 401
    assert direct_upload(form, PNG + b"more") == 413
    assert "user-uploads/elsewhere.png" not in stored_keys(api)


RULES = {"maxFiles": 2, "maxFileSize": 1000, "allowedMimeTypes": ["image/*", "application/pdf"]}


@pytest.fixture
def gallery(make_table) -> str:
    return make_table(columns=[{"name": "pics", "dataType": "attachment", "validation": RULES}])


def test_attachment_rules_read_back_from_the_schema(api, gallery):
    columns = assert_ok(api.get(f"/rest/db/tables/{gallery}/schema"))
    columns = columns["columns"] if isinstance(columns, dict) else columns
    (pics,) = [column for column in columns if column["name"] == "pics"]
    assert pics["validation"] == RULES


def test_uploads_for_a_column_follow_its_rules(api, gallery):
    target = {"table": gallery, "column": "pics"}
    ok = api.post(
        "/rest/files/upload", params=target, files=[("files", ("a.png", PNG, "image/png"))]
    )
    assert assert_ok(ok)[0]["mimeType"] == "image/png"
    before = stored_keys(api)
    cases = [
        ([("t.txt", b"just text", "text/plain")], 415, ["t.txt", "image/*"]),
        ([("big.pdf", PDF + b" " * 2000, None)], 413, ["big.pdf", "1000"]),
        ([(f"{n}.png", PNG, None) for n in range(3)], 400, ["at most 2"]),
    ]
    for files, status, words in cases:
        response = api.post(
            "/rest/files/upload", params=target, files=[("files", f) for f in files]
        )
        assert_error(response, status, *words)
    assert stored_keys(api) == before
    wrong = api.post(
        "/rest/files/upload",
        params={"table": gallery, "column": "id"},
        files=[("files", ("a.png", PNG, None))],
    )
    assert_error(wrong, 400, "id", "attachment")


def test_records_follow_the_attachment_rules(api, gallery):
    (item,) = assert_ok(upload(api, ("a.png", PNG, "image/png")))
    created = assert_ok(api.post(f"/rest/db/{gallery}", json={"pics": [item]}))
    assert created["insertedCount"] == 1
    record_id = created["returning"][0]["id"]
    too_big = {**item, "size": 5000}
    updated = api.patch(f"/rest/db/{gallery}/{record_id}", json={"pics": [too_big]})
    assert_error(updated, 400, "pics", "1000")
    assert_error(api.post(f"/rest/db/{gallery}", json={"pics": [too_big]}), 400, "pics", "1000")
    text = {**item, "mimeType": "text/plain"}
    assert_error(api.post(f"/rest/db/{gallery}", json={"pics": [text]}), 400, "pics", "text/plain")
    three = api.post(f"/rest/db/{gallery}", json={"pics": [item, item, item]})
    assert_error(three, 409, "pics", "more files than allowed")  # maxFiles: a CHECK, as before


def test_the_database_keeps_the_rules_for_writes_made_outside(api, gallery, pg):
    from psycopg import errors, sql

    (item,) = assert_ok(upload(api, ("a.png", PNG, "image/png")))
    big = json.dumps({**item, "size": 5000})
    with pytest.raises(errors.CheckViolation):
        pg.execute(
            sql.SQL("INSERT INTO {} (pics) VALUES (ARRAY[%s::jsonb]::attachment[])").format(
                sql.Identifier(gallery)
            ),
            [big],
        )


def test_public_links_only_in_the_public_mode(api, anonymous, live_server, transport, tmp_path):
    (item,) = assert_ok(upload(api, ("a.png", PNG, "image/png")))
    assert anonymous.get(f"/static/{item['key']}").status_code == 404  # off by default
    if transport == "lambda":
        return
    from tests.fixtures.server import LiveServer, make_settings

    settings = make_settings(
        live_server.runtime.settings.data_dir, files_public=True, realtime=False
    )
    public = LiveServer(settings, live_server.database_url).start()
    try:
        response = httpx.get(f"{public.url}/static/{item['key']}", timeout=10)
        assert response.status_code == 200
        assert response.content == PNG
    finally:
        public.stop()


@pytest.mark.parametrize("limit", ["0", "1001", "ten"])
def test_a_list_limit_out_of_range_is_400(api, limit):
    assert_error(api.get("/rest/files", params={"limit": limit}), 400, "limit")
