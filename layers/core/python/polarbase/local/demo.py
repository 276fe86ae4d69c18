"""The CRM demo ``polarbase serve --demo`` loads: four tables using all 17 field types, seeded."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson

from ..auth import Principal
from ..files import Upload
from ..schema import TableDefinition

if TYPE_CHECKING:
    from ..runtime import Runtime

__all__ = ["DEMO_SEED", "DEMO_TABLES", "load_demo"]

_USD = {"numberFormat": "currency", "currency": "USD"}


def _column(name: str, data_type: str, ui_name: str, **rules: Any) -> dict[str, Any]:
    """A column definition in the API's JSON shape; ``format`` goes into its presentation."""
    presentation = {"uiName": ui_name, "format": rules.pop("format", None)}
    return {"name": name, "dataType": data_type, "presentation": presentation, **rules}


def _reference(name: str, ui_name: str, table: str, on_delete: str, label: str) -> dict[str, Any]:
    return _column(
        name,
        "reference",
        ui_name,
        nullable=on_delete == "SET NULL",
        foreignKey={"table": table, "column": {"name": "id"}, "onDelete": on_delete},
        format={"displayColumn": label},
    )


# fmt: off
DEMO_TABLES: tuple[dict[str, Any], ...] = (
    {
        "name": "companies",
        "idType": "shortid",
        "comment": "Organisations we sell to",
        "presentation": {"uiName": "Companies"},
        "columns": [
            _column("name", "text", "Company", nullable=False, unique=True,
                    validation={"minLength": 2, "maxLength": 120}),
            _column("industry", "select", "Industry", options=[
                "Software", "Manufacturing", "Retail", "Healthcare", "Finance", "Logistics",
                "Energy"]),
            _column("website", "url", "Website"),
            _column("description", "long-text", "About", validation={"maxSize": 4000}),
            _column("employee_count", "integer", "Employees",
                    validation={"minValue": 1, "maxValue": 1_000_000}),
            _column("annual_revenue", "number", "Annual revenue", format=_USD,
                    validation={"minValue": 0}, comment="Last reported fiscal year, in USD"),
            _column("founded_on", "date", "Founded", validation={"minDate": "1800-01-01 00:00"},
                    format={"dateFormat": "YYYY-MM-DD", "showTime": False}),
            _column("headquarters", "geo-point", "Headquarters",
                    comment="x = longitude, y = latitude"),
            _column("tags", "multi-select", "Tags",
                    options=["enterprise", "smb", "partner", "strategic", "churn-risk"]),
            _column("is_customer", "checkbox", "Customer", nullable=False, defaultValue=False),
            _column("logo", "attachment", "Logo", validation={"maxFiles": 1}),
            _column("profile", "json", "Profile", validation={"maxSize": 2000},
                    comment="Social handles and account notes"),
        ],
    },
    {
        "name": "contacts",
        "idType": "shortid",
        "comment": "People at our companies",
        "presentation": {"uiName": "Contacts"},
        "columns": [
            _column("first_name", "text", "First name", nullable=False,
                    validation={"minLength": 1, "maxLength": 60}),
            _column("last_name", "text", "Last name", nullable=False,
                    validation={"minLength": 1, "maxLength": 60}),
            _column("full_name", "formula", "Name", formula={
                "resultType": "text", "expression": "first_name || ' ' || last_name"}),
            _column("email", "email", "Email", unique=True),
            _column("phone", "text", "Phone", validation={"maxLength": 32}),
            _column("job_title", "text", "Job title", validation={"maxLength": 100}),
            _reference("company_id", "Company", "companies", "SET NULL", "name"),
            _column("linkedin", "url", "LinkedIn"),
            _column("is_decision_maker", "checkbox", "Decision maker", defaultValue=False),
            _column("notes", "long-text", "Notes"),
        ],
    },
    {
        "name": "opportunities",
        "idType": "uuid",
        "comment": "Deals in the sales pipeline",
        "presentation": {"uiName": "Opportunities"},
        "columns": [
            _column("deal_number", "auto-number", "Deal #", comment="Sequential, for humans"),
            _column("name", "text", "Deal", nullable=False, validation={"maxLength": 150}),
            _reference("company_id", "Company", "companies", "CASCADE", "name"),
            _reference("contact_id", "Main contact", "contacts", "SET NULL", "full_name"),
            _column("stage", "select", "Stage", nullable=False, defaultValue="prospecting",
                    options=["prospecting", "qualification", "proposal", "negotiation", "won",
                             "lost"]),
            _column("amount", "number", "Amount", format=_USD, validation={"minValue": 0}),
            _column("probability", "integer", "Probability (%)",
                    validation={"minValue": 0, "maxValue": 100}),
            _column("weighted_amount", "formula", "Weighted amount", format=_USD, formula={
                "resultType": "numeric", "expression": "amount * probability / 100"}),
            _column("expected_close", "date", "Expected close",
                    format={"dateFormat": "DD/MM/YYYY", "showTime": False}),
            _column("products", "multi-select", "Products", options=[
                "CRM Suite", "Analytics", "Support Plus", "Onboarding", "API Access"]),
            _column("proposal", "attachment", "Proposal", validation={"maxFiles": 5}),
        ],
    },
    {
        "name": "interactions",
        "idType": "biginteger",
        "comment": "Calls, meetings and e-mails with contacts",
        "presentation": {"uiName": "Interactions"},
        "columns": [
            _reference("contact_id", "Contact", "contacts", "CASCADE", "full_name"),
            _reference("opportunity_id", "Opportunity", "opportunities", "SET NULL", "name"),
            _column("kind", "select", "Type", nullable=False,
                    options=["call", "email", "meeting", "demo", "note"]),
            _column("subject", "text", "Subject", nullable=False, validation={"maxLength": 200}),
            _column("summary", "long-text", "Summary"),
            _column("occurred_at", "date", "When",
                    format={"dateFormat": "DD/MM/YYYY", "showTime": True}),
            _column("duration_minutes", "integer", "Minutes",
                    validation={"minValue": 0, "maxValue": 600}),
            _column("location", "geo-point", "Location"),
            _column("follow_up", "checkbox", "Follow up", defaultValue=False),
            _column("details", "json", "Details"),
        ],
    },
)
# fmt: on


class _Ref(NamedTuple):
    """The id of the ``index``-th seed row of ``table``, known once that row is inserted."""

    table: str
    index: int


# fmt: off
def _file(key: str, name: str, mime_type: str, size: int) -> dict[str, Any]:
    # Stands for a file; load_demo uploads a real one in its place.
    return {"id": key.rsplit(".", 1)[0], "key": f"user-uploads/{key}", "size": size, "name": name,
            "mimeType": mime_type, "provider": "local", "uploadedAt": "2025-09-01T09:30:00.000Z"}
# fmt: on


def _logo(slug: str, size: int) -> list[dict[str, Any]]:
    return [_file(f"demo-logo-{slug}.png", f"{slug}-logo.png", "image/png", size)]


_company = partial(_Ref, "companies")
_contact = partial(_Ref, "contacts")
_deal = partial(_Ref, "opportunities")

# Each table's seed: column names, then one tuple of values per row (same keys, so rows keep order).
# fmt: off
DEMO_SEED: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = {
    "companies": (
        ("name", "industry", "website", "employee_count", "annual_revenue", "founded_on",
         "headquarters", "tags", "is_customer", "logo", "profile"),
        [
            ("Northwind Traders", "Retail", "https://northwind.example.com", 640, 48_500_000.0,
             "1998-04-01", {"x": -122.3321, "y": 47.6062}, ["enterprise"], True,
             _logo("northwind", 18_422), {"twitter": "@northwind", "tier": "gold"}),
            ("Helios Energy", "Energy", "https://helios-energy.example.com", 2_300, 310_000_000.0,
             "2006-09-15", {"x": 13.405, "y": 52.52}, ["enterprise", "strategic"], True,
             _logo("helios", 22_107), {"tier": "platinum", "renewal": "2026-03"}),
            ("Brightpath Health", "Healthcare", "https://brightpath.example.com", 410,
             27_000_000.0, "2012-02-20", {"x": -71.0589, "y": 42.3601}, ["smb"], True, None,
             {"tier": "silver"}),
            ("Kestrel Robotics", "Manufacturing", "https://kestrel.example.com", 180, 9_800_000.0,
             "2016-06-01", {"x": 11.582, "y": 48.1351}, ["partner"], False,
             _logo("kestrel", 12_980), None),
            ("Lumen Analytics", "Software", "https://lumen.example.io", 95, 6_200_000.0,
             "2019-11-11", {"x": -0.1278, "y": 51.5074}, ["smb", "partner"], True, None,
             {"twitter": "@lumenhq"}),
            ("Harbor Freightways", "Logistics", "https://harborfreight.example.com", 5_100,
             720_000_000.0, "1987-01-05", {"x": 103.8198, "y": 1.3521}, ["enterprise"], False,
             None, None),
            ("Crescent Bank", "Finance", "https://crescentbank.example.com", 12_000,
             1_450_000_000.0, "1952-08-30", {"x": -74.006, "y": 40.7128},
             ["enterprise", "strategic"], False, None, {"compliance": ["SOC 2", "ISO 27001"]}),
            ("Maple & Birch Outfitters", "Retail", "https://maplebirch.example.ca", 60,
             3_400_000.0, "2010-05-18", {"x": -73.5673, "y": 45.5017}, ["smb", "churn-risk"],
             True, None, None),
        ],
    ),
    "contacts": (
        ("first_name", "last_name", "email", "phone", "job_title", "company_id",
         "is_decision_maker"),
        [
            ("Anna", "Keller", "anna.keller@northwind.example.com", "+1 206 555 0101", "COO",
             _company(0), True),
            ("Marcus", "Reid", "marcus.reid@northwind.example.com", "+1 206 555 0142",
             "IT Manager", _company(0), False),
            ("Sofia", "Brandt", "sofia.brandt@helios-energy.example.com", "+49 30 5550 1200",
             "Head of Procurement", _company(1), True),
            ("Jonas", "Weber", "jonas.weber@helios-energy.example.com", None, "Data Engineer",
             _company(1), False),
            ("Priya", "Raman", "priya.raman@brightpath.example.com", "+1 617 555 0199", "CIO",
             _company(2), True),
            ("Daniel", "Okafor", "daniel.okafor@brightpath.example.com", None, "Clinic Lead",
             _company(2), False),
            ("Lena", "Hofmann", "lena.hofmann@kestrel.example.com", "+49 89 5550 7788", "CEO",
             _company(3), True),
            ("Tom", "Fischer", "tom.fischer@kestrel.example.com", None, "Plant Manager",
             _company(3), False),
            ("Grace", "Liu", "grace.liu@lumen.example.io", "+44 20 5550 3030", "Founder",
             _company(4), True),
            ("Oliver", "Grant", "oliver.grant@lumen.example.io", None, "Product Lead", _company(4),
             False),
            ("Wei", "Tan", "wei.tan@harborfreight.example.com", "+65 5550 2211", "VP Operations",
             _company(5), True),
            ("Aisha", "Rahman", "aisha.rahman@harborfreight.example.com", None,
             "Fleet Analyst", _company(5), False),
            ("Robert", "Hayes", "robert.hayes@crescentbank.example.com", "+1 212 555 0177",
             "CTO", _company(6), True),
            ("Emily", "Novak", "emily.novak@crescentbank.example.com", None,
             "Risk Officer", _company(6), False),
            ("Claire", "Dubois", "claire.dubois@maplebirch.example.ca", "+1 514 555 0123",
             "Owner", _company(7), True),
            ("Sam", "Porter", "sam.porter@freelance.example.net", None, "Consultant", None,
             False),
        ],
    ),
    "opportunities": (
        ("name", "company_id", "contact_id", "stage", "amount", "probability", "expected_close",
         "products", "proposal"),
        [
            ("Northwind store rollout", _company(0), _contact(0), "negotiation", 120_000.0, 70,
             "2026-01-30", ["CRM Suite", "Onboarding"],
             [_file("northwind-proposal.pdf", "Proposal v3.pdf", "application/pdf", 482_113)]),
            ("Northwind support renewal", _company(0), _contact(1), "won", 24_000.0, 100,
             "2025-10-01", ["Support Plus"], None),
            ("Helios grid analytics", _company(1), _contact(2), "proposal", 310_000.0, 45,
             "2026-03-15", ["Analytics", "API Access"], None),
            ("Helios data platform pilot", _company(1), _contact(3), "qualification", 45_000.0, 25,
             "2026-02-28", ["Analytics"], None),
            ("Brightpath patient CRM", _company(2), _contact(4), "proposal", 88_000.0, 50,
             "2026-02-10", ["CRM Suite"], None),
            ("Kestrel partner program", _company(3), _contact(6), "prospecting", 15_000.0, 10,
             "2026-05-01", ["API Access"], None),
            ("Lumen reseller deal", _company(4), _contact(8), "won", 36_000.0, 100, "2025-09-12",
             ["CRM Suite", "Support Plus"], None),
            ("Lumen analytics upsell", _company(4), _contact(9), "lost", 12_000.0, 0, "2025-08-20",
             ["Analytics"], None),
            ("Harbor fleet tracking", _company(5), _contact(10), "negotiation", 540_000.0, 60,
             "2026-01-15", ["CRM Suite", "Analytics", "Onboarding"], None),
            ("Crescent compliance CRM", _company(6), _contact(12), "qualification", 760_000.0, 20,
             "2026-06-30", ["CRM Suite", "Support Plus"], None),
            ("Crescent API integration", _company(6), _contact(13), "prospecting", 95_000.0, 15,
             "2026-07-31", ["API Access"], None),
            ("Maple & Birch webshop", _company(7), _contact(14), "proposal", 8_500.0, 55,
             "2026-01-20", ["CRM Suite"], None),
        ],
    ),
    "interactions": (
        ("contact_id", "opportunity_id", "kind", "subject", "occurred_at", "duration_minutes",
         "location", "follow_up", "details"),
        [
            (_contact(0), _deal(0), "meeting", "Rollout kickoff", "2025-10-06T15:00:00Z", 60,
             {"x": -122.3321, "y": 47.6062}, True, {"attendees": 5}),
            (_contact(1), _deal(1), "call", "Renewal confirmed", "2025-09-29T17:30:00Z", 15, None,
             False, None),
            (_contact(2), _deal(2), "demo", "Grid analytics demo", "2025-10-14T10:00:00Z", 90,
             {"x": 13.405, "y": 52.52}, True, {"recording": True}),
            (_contact(3), _deal(3), "call", "Pilot scope", "2025-10-22T13:00:00Z", 30, None, True,
             None),
            (_contact(4), _deal(4), "meeting", "Requirements workshop", "2025-10-09T14:00:00Z", 120,
             {"x": -71.0589, "y": 42.3601}, False, None),
            (_contact(6), _deal(5), "email", "Partner program intro", "2025-11-03T07:30:00Z", None,
             None, True, None),
            (_contact(7), None, "note", "Met at trade fair", "2025-09-18T11:00:00Z", 10,
             {"x": 11.582, "y": 48.1351}, False, {"event": "automatica"}),
            (_contact(8), _deal(6), "meeting", "Contract signature", "2025-09-12T12:00:00Z", 30,
             {"x": -0.1278, "y": 51.5074}, False, None),
            (_contact(9), _deal(7), "call", "Upsell declined", "2025-08-21T15:00:00Z", 20, None,
             False, {"reason": "budget"}),
            (_contact(10), _deal(8), "demo", "Fleet tracking demo", "2025-10-01T03:00:00Z", 75,
             {"x": 103.8198, "y": 1.3521}, True, None),
            (_contact(10), _deal(8), "call", "Commercial terms", "2025-11-05T04:00:00Z", 40, None,
             True, None),
            (_contact(12), _deal(9), "meeting", "Compliance review", "2025-10-27T14:30:00Z", 90,
             {"x": -74.006, "y": 40.7128}, True, {"attendees": 7}),
            (_contact(14), _deal(11), "call", "Webshop requirements", "2025-10-30T18:00:00Z", 25,
             None, True, None),
            (_contact(15), None, "note", "Referral from Grace Liu", "2025-10-11T10:00:00Z", 5, None,
             False, None),
        ],
    ),
}
# fmt: on


def _rows(table: str, ids: dict[str, list[Any]]) -> list[dict[str, Any]] | None:
    """The seed rows of ``table`` with references resolved; None if a parent was not seeded now."""
    names, values = DEMO_SEED[table]
    rows = []
    for row in values:
        if any(isinstance(item, _Ref) and item.table not in ids for item in row):
            return None
        resolved = [ids[item.table][item.index] if isinstance(item, _Ref) else item for item in row]
        rows.append(dict(zip(names, resolved, strict=True)))
    return rows


_PNG = bytes.fromhex(  # a 1x1 PNG: every demo logo is a real image in the store
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _pdf(title: str) -> bytes:
    text = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
        b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R>> endobj\n"
        b"4 0 obj <</Length "
        + str(len(text)).encode()
        + b">> stream\n"
        + text
        + b"\nendstream endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    )


async def _with_real_files(
    runtime: Runtime, principal: Principal, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The rows with each attachment stored for real: the demo's cells name files that exist."""
    if runtime.files is None:
        return rows
    seeded = []
    for row in rows:
        row = dict(row)
        for column, value in row.items():
            if (
                isinstance(value, list)
                and value
                and isinstance(value[0], dict)
                and "key" in value[0]
            ):
                uploads = [
                    Upload(
                        item["name"],
                        _PNG if item["mimeType"] == "image/png" else _pdf(item["name"]),
                    )
                    for item in value
                ]
                row[column] = await runtime.files.upload(principal, uploads)
        seeded.append(row)
    return seeded


async def load_demo(runtime: Runtime) -> list[str]:
    """Create the demo tables that are missing and seed them; returns the names created.

    Idempotent: existing tables (and their rows) are left alone, so a restart with ``--demo``
    changes nothing. A new table is seeded only when the tables it refers to were seeded in the
    same call, so no row points at a parent that is not there.
    """
    principal = Principal.system()
    existing = {table.name for table in await runtime.tables.list_tables(principal)}
    created: list[str] = []
    ids: dict[str, list[Any]] = {}
    for definition in DEMO_TABLES:
        name = definition["name"]
        if name in existing:
            continue
        await runtime.tables.create_table(principal, TableDefinition.model_validate(definition))
        created.append(name)
        rows = await _with_real_files(runtime, principal, _rows(name, ids))
        if rows:
            result = await runtime.records.create_records(principal, name, rows, bulk=True)
            ids[name] = [record["id"] for record in orjson.loads(result)["returning"]]
    return created
