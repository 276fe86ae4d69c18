"""The API docs: a page that works offline and behind a path prefix, and a document that tells
the truth (the error envelope and statuses the API answers, and a typed schema per table)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import pytest

from tests.helpers import ATTACHMENT, assert_error, assert_ok

PAGE = "/rest/openapi"
DOCUMENT = "/rest/openapi/json"
METHODS = ("get", "put", "post", "patch", "delete")


def page_references(page: str) -> list[str]:
    """Every URL the page's HTML names (src, href, and the document's data attribute)."""
    return re.findall(r'(?:src|href|data-openapi-url)="([^"]*)"', page)


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def resolve(document: dict[str, Any], reference: str) -> Any:
    """The part of ``document`` a local ``$ref`` points at (JSON Pointer)."""
    assert reference.startswith("#/"), reference
    found: Any = document
    for part in reference[2:].split("/"):
        found = found[part.replace("~1", "/").replace("~0", "~")]
    return found


def references(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [value["$ref"]] if isinstance(value.get("$ref"), str) else []
        return own + [ref for item in value.values() for ref in references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in references(item)]
    return []


def response_schema(document: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in response:
        response = resolve(document, response["$ref"])
    schema = response["content"]["application/json"]["schema"]
    return resolve(document, schema["$ref"]) if "$ref" in schema else schema


# --- the page ---------------------------------------------------------------------------------


def test_docs_page_loads_only_files_its_own_server_serves(anonymous):
    # GIVEN the docs page
    response = anonymous.get(PAGE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    # THEN it names nothing on the internet, and a browser is told to load nothing from there
    assert "http://" not in page
    assert "https://" not in page
    assert "//" not in "".join(page_references(page))
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy
    assert "script-src 'self'" in policy
    # AND every file it names is served here, with its type, and is the real thing
    expected = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    minimum = {".js": 1000, ".css": 10_000, ".png": 200}
    assets = [ref for ref in page_references(page) if "/assets/" in ref]
    assert {ref.rsplit("/", 1)[1] for ref in assets} >= {
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "polarbase-docs.js",
    }
    for reference in assets:
        asset = anonymous.get(urljoin(f"{anonymous.base_url}{PAGE}", reference))
        assert asset.status_code == 200, reference
        suffix = reference[reference.rindex(".") :]
        assert asset.headers["content-type"].startswith(expected[suffix]), reference
        assert len(asset.content) >= minimum[suffix], reference
        assert "immutable" in asset.headers["cache-control"]
        assert "max-age=31536000" in asset.headers["cache-control"]
    bundle = next(ref for ref in assets if ref.endswith("swagger-ui-bundle.js"))
    assert len(anonymous.get(urljoin(f"{anonymous.base_url}{PAGE}", bundle)).content) > 500_000


def test_docs_page_script_loads_the_document_relative_to_the_page(anonymous):
    page = anonymous.get(PAGE).text
    script = next(ref for ref in page_references(page) if ref.endswith("polarbase-docs.js"))
    source = anonymous.get(urljoin(f"{anonymous.base_url}{PAGE}", script)).text
    assert "http" not in source.replace("https?", "")
    assert "document.baseURI" in source
    assert "validatorUrl: null" in source
    assert "oauth2RedirectUrl" not in page + source
    assert "/docs" not in page + source


def test_docs_page_works_behind_a_path_prefix(anonymous):
    # GIVEN the page served at https://host/prod/rest/openapi (an API Gateway stage)
    page = anonymous.get(PAGE).text
    served_at = "https://api.example/prod/rest/openapi"
    # THEN every URL it names, the document's too, stays under the prefix
    targets = [urljoin(served_at, reference) for reference in page_references(page)]
    assert urljoin(served_at, "openapi/json") in targets
    for target in targets:
        assert target.startswith("https://api.example/prod/rest/openapi/"), target
    # AND the document's server is relative to where the document is, so calls keep it too
    document = anonymous.get(DOCUMENT).json()
    server = document["servers"][0]["url"]
    assert urljoin(f"{served_at}/json", server).rstrip("/") == "https://api.example/prod"


def test_docs_page_with_a_trailing_slash_redirects_relative_to_itself(anonymous):
    response = anonymous.get(f"{PAGE}/", follow_redirects=False)
    assert response.status_code == 307
    location = response.headers["location"]
    assert urljoin("https://api.example/prod/rest/openapi/", location) == (
        "https://api.example/prod/rest/openapi"
    )
    assert anonymous.get(f"{PAGE}/", follow_redirects=True).status_code == 200


def test_docs_asset_is_revalidated_by_its_etag(anonymous):
    page = anonymous.get(PAGE).text
    css = urljoin(
        f"{anonymous.base_url}{PAGE}",
        next(ref for ref in page_references(page) if ref.endswith(".css")),
    )
    tag = anonymous.get(css).headers["etag"]
    assert anonymous.get(css, headers={"If-None-Match": tag}).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/rest/openapi/assets/0.0.0-old/swagger-ui.css",
        "/rest/openapi/assets/{version}/index.html",
        "/rest/openapi/assets/{version}/swagger-ui.js.map",
        "/rest/openapi/assets/{version}/..%2F..%2F__init__.py",
    ],
)
def test_docs_asset_that_is_not_served_is_404_envelope(anonymous, path):
    page = anonymous.get(PAGE).text
    version = re.search(r"openapi/assets/([^/]+)/", page).group(1)
    assert_error(anonymous.get(path.format(version=version)), 404)


# --- the document -----------------------------------------------------------------------------


def test_every_operation_documents_the_error_envelope_it_answers(anonymous):
    document = anonymous.get(DOCUMENT).json()
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"success", "error", "code", "timestamp"}
    assert error["properties"]["success"]["const"] is False
    for path, method, operation in operations(document):
        responses = operation["responses"]
        assert "503" in responses, (method, path)
        if path != "/health":
            assert {"400", "401"} <= set(responses) or (path, method) in {
                ("/api-keys", "get"),
                ("/rest/db/tables", "get"),
                ("/rest/db/indexes", "get"),
            }, (method, path, sorted(responses))
        if "{" in path:
            assert "404" in responses, (method, path)
        for status, response in responses.items():
            if int(status) >= 400:
                assert response_schema(document, response) == error, (method, path, status)
        if path.startswith("/rest/"):
            success = response_schema(document, responses["200"])
            assert set(success["required"]) == {"success", "data", "timestamp"}
            assert success["properties"]["success"]["const"] is True


def test_document_has_no_fastapi_validation_error(anonymous):
    text = anonymous.get(DOCUMENT).text
    assert "HTTPValidationError" not in text
    assert "ValidationError" not in anonymous.get(DOCUMENT).json()["components"]["schemas"]


def test_documented_400_is_what_a_bad_body_gets(api):
    # GIVEN the document says POST /rest/db/tables answers 400 with the envelope
    document = api.get(DOCUMENT).json()
    operation = document["paths"]["/rest/db/tables"]["post"]
    assert "400" in operation["responses"]
    assert "422" in operation["responses"]  # a rule PostgreSQL refuses, not FastAPI's
    # WHEN a body fails validation
    response = api.post("/rest/db/tables", json={"name": "has space", "columns": []})
    # THEN the answer is that 400, shaped as the documented Error
    assert_error(response, 400)
    error = document["components"]["schemas"]["Error"]
    assert set(response.json()) == set(error["required"])
    assert response.json()["code"] in error["properties"]["code"]["description"]


def test_operations_that_need_a_key_say_so(anonymous):
    document = anonymous.get(DOCUMENT).json()
    scheme = document["components"]["securitySchemes"]["ApiKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "x-api-key"}
    for path, method, operation in operations(document):
        # /rest/files/direct: a presigned form's signature stands for the key
        if path in ("/health", "/auth/validate", "/rest/files/direct"):
            assert "security" not in operation, path
        else:
            assert operation["security"] == [{"ApiKey": []}], (method, path)


def test_request_bodies_and_every_reference_resolve(anonymous):
    document = anonymous.get(DOCUMENT).json()
    body = document["paths"]["/rest/db/tables"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert resolve(document, schema["$ref"])["properties"]["columns"]
    for reference in references(document):
        resolve(document, reference)


def test_document_is_valid_openapi(anonymous, api, make_table):
    validator = pytest.importorskip("openapi_spec_validator")
    make_table(columns=[{"name": "title", "dataType": "text"}])
    validator.validate(anonymous.get(DOCUMENT).json())
    validator.validate(api.get(DOCUMENT).json())


def test_operation_ids_are_unique(api, make_table):
    make_table(name="records", columns=[{"name": "title", "dataType": "text"}])
    make_table(columns=[{"name": "title", "dataType": "text"}])
    ids = [operation["operationId"] for _, _, operation in operations(api.get(DOCUMENT).json())]
    assert len(ids) == len(set(ids))


# --- the tables -------------------------------------------------------------------------------


def test_document_without_a_key_names_no_table(anonymous, make_table):
    table = make_table(columns=[{"name": "secret_plan", "dataType": "text"}])
    text = anonymous.get(DOCUMENT).text
    assert table not in text
    assert "secret_plan" not in text


def test_document_with_a_bad_key_is_401(anonymous):
    response = anonymous.get(DOCUMENT, headers={"x-api-key": "ak_" + "0" * 64})
    assert_error(response, 401)


def test_document_shows_only_the_tables_a_key_may_use(anonymous, make_table, make_api_key):
    shown = make_table(columns=[{"name": "title", "dataType": "text"}])
    hidden = make_table(columns=[{"name": "title", "dataType": "text"}])
    key = make_api_key(scopes=["rest"], tables=[shown], readOnly=True)
    document = anonymous.get(DOCUMENT, headers={"x-api-key": key}).json()
    assert f"/rest/db/{shown}" in document["paths"]
    assert shown in document["components"]["schemas"]
    assert f"/rest/db/{hidden}" not in document["paths"]
    assert hidden not in document["components"]["schemas"]


@pytest.fixture
def crm(make_table) -> tuple[str, str]:
    """A table of every field type, and the table its reference points at."""
    companies = make_table(columns=[{"name": "name", "dataType": "text"}])
    people = make_table(
        comment="People we know",
        columns=[
            {"name": "title", "dataType": "text", "nullable": False},
            {"name": "bio", "dataType": "long-text"},
            {"name": "age", "dataType": "integer", "validation": {"minValue": 0, "maxValue": 150}},
            {"name": "score", "dataType": "number"},
            {"name": "born", "dataType": "date"},
            {"name": "active", "dataType": "checkbox", "nullable": False, "defaultValue": True},
            {"name": "stage", "dataType": "select", "options": ["lead", "customer"]},
            {"name": "tags", "dataType": "multi-select", "options": ["a", "b"]},
            {"name": "mail", "dataType": "email"},
            {"name": "site", "dataType": "url"},
            {"name": "doc", "dataType": "json"},
            {"name": "place", "dataType": "geo-point"},
            {"name": "files", "dataType": "attachment"},
            {
                "name": "company",
                "dataType": "reference",
                "foreignKey": {"table": companies, "column": {"name": "id"}},
            },
            {
                "name": "doubled",
                "dataType": "formula",
                "formula": {"resultType": "integer", "expression": "age * 2"},
            },
        ],
    )
    return people, companies


def test_each_table_has_a_schema_of_its_records_from_its_columns(api, crm):
    people, _ = crm
    document = api.get(DOCUMENT).json()
    schemas = document["components"]["schemas"]
    record = schemas[people]
    assert record["description"] == "People we know"
    columns = record["properties"]

    def value(name: str) -> dict[str, Any]:
        schema = columns[name]
        return schema["anyOf"][0] if "anyOf" in schema else schema

    assert value("id") == {**value("id"), "type": "integer", "format": "int64"}
    assert value("title")["type"] == "string"
    assert "anyOf" not in columns["title"]  # NOT NULL
    assert columns["bio"]["anyOf"][1] == {"type": "null"}
    assert value("age") == {**value("age"), "type": "integer", "minimum": 0, "maximum": 150}
    assert value("score")["type"] == "number"
    assert value("born") == {"type": "string", "format": "date-time"}
    assert value("active")["type"] == "boolean"
    assert value("stage") == {**value("stage"), "type": "string", "enum": ["lead", "customer"]}
    assert value("tags") == {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}
    assert value("mail") == {"type": "string", "format": "email"}
    assert value("site") == {"type": "string", "format": "uri"}
    assert "type" not in value("doc")
    assert resolve(document, value("place")["$ref"])["required"] == ["x", "y"]
    assert resolve(document, value("files")["items"]["$ref"])["properties"]["mimeType"]
    assert value("company")["type"] == "integer"
    assert value("doubled")["type"] == "integer"
    assert columns["doubled"]["readOnly"] is True
    assert columns["created_at"]["x-field-type"] == "auto-date"
    assert {"id", "title", "active", "created_at"} <= set(record["required"])
    # AND a create requires what the database cannot fill in, and never a formula
    insert = schemas[f"{people}_insert"]
    assert insert["required"] == ["title"]
    assert "doubled" not in insert["properties"]
    # the key (auto-number) and the timestamps (auto-date) are set by the database
    assert "id" not in insert["properties"]
    assert "created_at" not in insert["properties"]
    assert columns["id"]["readOnly"] is True
    update = schemas[f"{people}_update"]
    assert "required" not in update
    assert "doubled" not in update["properties"]


def test_records_and_bodies_the_api_exchanges_fit_their_table_schemas(api, crm):
    jsonschema = pytest.importorskip("jsonschema")
    people, companies = crm
    document = api.get(DOCUMENT).json()

    def check(value: Any, name: str) -> None:
        schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        ).validate(value)

    company = assert_ok(api.post(f"/rest/db/{companies}", json={"name": "Acme"}))["returning"][0]
    body = {
        "title": "Ada",
        "bio": "Wrote the first program",
        "age": 36,
        "score": 9.5,
        "born": "1815-12-10T00:00:00Z",
        "stage": "lead",
        "tags": ["a"],
        "mail": "ada@example.com",
        "site": "https://example.com/ada",
        "doc": {"notes": [1, "two"]},
        "place": {"x": 51.5, "y": -0.1},
        "files": [ATTACHMENT],
        "company": company["id"],
    }
    check(body, f"{people}_insert")
    check({"score": 1}, f"{people}_update")
    created = assert_ok(api.post(f"/rest/db/{people}", json=body))["returning"][0]
    check(created, people)
    check(assert_ok(api.get(f"/rest/db/{people}/{created['id']}")), people)
    sparse = assert_ok(api.post(f"/rest/db/{people}", json={"title": "Alan"}))["returning"][0]
    check(sparse, people)


def test_each_table_has_paths_that_use_its_schemas(api, crm):
    people, companies = crm
    document = api.get(DOCUMENT).json()
    record = f"#/components/schemas/{people}"
    listing = document["paths"][f"/rest/db/{people}"]["get"]
    assert listing["tags"] == [people]
    assert listing["security"] == [{"ApiKey": []}]
    rows = response_schema(document, listing["responses"]["200"])["properties"]["data"]
    assert rows["properties"]["rows"]["items"] == {"$ref": record}
    one = document["paths"][f"/rest/db/{people}/{{record_id}}"]
    assert response_schema(document, one["get"]["responses"]["200"])["properties"]["data"] == {
        "$ref": record
    }
    key = next(parameter for parameter in one["get"]["parameters"] if parameter["in"] == "path")
    assert key["schema"]["type"] == "integer"
    create = document["paths"][f"/rest/db/{people}"]["post"]["requestBody"]
    assert create["content"]["application/json"]["schema"] == {"$ref": f"{record}_insert"}
    update = one["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert update == {"$ref": f"{record}_update"}
    for suffix in ("bulk-create", "bulk-update", "bulk-delete"):
        assert f"/rest/db/{people}/{suffix}" in document["paths"]
    assert f"/rest/db/{companies}" in document["paths"]
    # AND the generic routes stay, for tables made after the document was fetched
    assert "/rest/db/{table}/{record_id}" in document["paths"]


def test_document_follows_the_tables_as_they_change(api, make_table):
    table = make_table(columns=[{"name": "title", "dataType": "text"}])
    assert "extra" not in api.get(DOCUMENT).json()["components"]["schemas"][table]["properties"]
    assert_ok(
        api.post(f"/rest/db/tables/{table}/columns", json={"name": "extra", "dataType": "integer"})
    )
    assert "extra" in api.get(DOCUMENT).json()["components"]["schemas"][table]["properties"]
