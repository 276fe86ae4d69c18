"""The SQL realtime runs: its slot and publications, relation shapes, and draining the slot."""

from __future__ import annotations

from psycopg import sql

from ..query import Statement

__all__ = [
    "add_tables",
    "advance_slot",
    "create_publication",
    "create_slot",
    "drain_statement",
    "drop_publication",
    "drop_slot",
    "drop_tables",
    "relation_shape",
    "slot_state",
    "slot_status",
    "table_identities",
]

# Whether a table can publish UPDATE and DELETE: a publication that does so for a table without
# a replica identity makes every UPDATE and DELETE on it fail, so such tables go to the
# insert-only publication instead.
_TABLE_IDENTITIES = sql.SQL(
    """
SELECT coalesce(json_object_agg(c.relname, c.relreplident = 'f'
    OR (c.relreplident = 'd' AND EXISTS (
        SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
    OR (c.relreplident = 'i' AND EXISTS (
        SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident))), '{}')::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p') AND NOT c.relispartition
"""
)

_SLOT_STATE = sql.SQL(
    """
SELECT json_build_object(
  'walLevel', current_setting('wal_level'),
  'version', current_setting('server_version_num')::int,
  'publications', (SELECT coalesce(json_object_agg(p.pubname, (
        SELECT coalesce(json_agg(pt.tablename), '[]') FROM pg_publication_tables pt
        WHERE pt.pubname = p.pubname AND pt.schemaname = %(schema)s)), '{}')
      FROM pg_publication p WHERE p.pubname = ANY(%(publications)s)),
  'slot', (SELECT json_build_object('plugin', s.plugin, 'database', s.database)
           FROM pg_replication_slots s WHERE s.slot_name = %(slot)s)
)::text
"""
)

_SLOT_STATUS = sql.SQL(
    """
SELECT json_build_object(
  'active', s.active,
  'retainedBytes', pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::bigint,
  'walStatus', s.wal_status,
  'confirmedFlush', s.confirmed_flush_lsn::text
)::text FROM pg_replication_slots s WHERE s.slot_name = %(slot)s
"""
)

# A relation's columns with the type they store (domains and arrays resolved, as the schema
# catalog resolves them), and its primary key, for typing the values of its changes.
_RELATION_SHAPE = sql.SQL(
    """
SELECT json_build_object(
  'primaryKey', (SELECT coalesce(json_agg(a.attname ORDER BY k.ordinality), '[]')
     FROM pg_index i
     CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ordinality)
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = %(oid)s AND i.indisprimary),
  'columns', (SELECT coalesce(json_object_agg(a.attname, json_build_array(
        CASE WHEN ty.typtype = 'd' THEN bt.typname
             WHEN el.typtype = 'd' THEN ebt.typname
             WHEN ty.typcategory = 'A' THEN el.typname
             ELSE ty.typname END,
        ty.typcategory = 'A' OR (ty.typtype = 'd' AND bt.typcategory = 'A'))), '{}')
     FROM pg_attribute a
     JOIN pg_type ty ON ty.oid = a.atttypid
     LEFT JOIN pg_type bt ON bt.oid = ty.typbasetype
     LEFT JOIN pg_type el ON el.oid = ty.typelem AND ty.typcategory = 'A'
     LEFT JOIN pg_type ebt ON ebt.oid = el.typbasetype
     WHERE a.attrelid = %(oid)s AND a.attnum > 0 AND NOT a.attisdropped)
)::text
"""
)


def table_identities(schema: str) -> Statement:
    """``{table: publishes updates and deletes}`` for every table of ``schema``."""
    return Statement(_TABLE_IDENTITIES, {"schema": schema})


def slot_state(schema: str, slot: str, publications: list[str]) -> Statement:
    """wal_level, the server version, which of ``publications`` exist (with their tables in
    ``schema``) and whether ``slot`` exists."""
    return Statement(_SLOT_STATE, {"schema": schema, "slot": slot, "publications": publications})


def slot_status(slot: str) -> Statement:
    """How much WAL ``slot`` holds back, and whether a reader is attached; None if missing."""
    return Statement(_SLOT_STATUS, {"slot": slot})


def relation_shape(oid: int) -> Statement:
    return Statement(_RELATION_SHAPE, {"oid": oid})


def create_publication(name: str, *, inserts_only: bool, generated_columns: bool) -> sql.Composed:
    """An empty publication; tables are added one by one as they appear.

    ``generated_columns`` (PostgreSQL 18) publishes stored generated columns, so a formula's
    value arrives with the row as REST would show it.
    """
    options = [
        sql.SQL("publish = {}").format(
            sql.Literal("insert" if inserts_only else "insert, update, delete")
        ),
        sql.SQL("publish_via_partition_root = true"),
    ]
    if generated_columns:
        options.append(sql.SQL("publish_generated_columns = stored"))
    return sql.SQL("CREATE PUBLICATION {} WITH ({})").format(
        sql.Identifier(name), sql.SQL(", ").join(options)
    )


def drop_publication(name: str) -> sql.Composed:
    return sql.SQL("DROP PUBLICATION IF EXISTS {}").format(sql.Identifier(name))


def add_tables(publication: str, schema: str, tables: list[str]) -> sql.Composed:
    return sql.SQL("ALTER PUBLICATION {} ADD TABLE {}").format(
        sql.Identifier(publication),
        sql.SQL(", ").join(sql.Identifier(schema, table) for table in tables),
    )


def drop_tables(publication: str, schema: str, tables: list[str]) -> sql.Composed:
    return sql.SQL("ALTER PUBLICATION {} DROP TABLE {}").format(
        sql.Identifier(publication),
        sql.SQL(", ").join(sql.Identifier(schema, table) for table in tables),
    )


def create_slot(slot: str) -> Statement:
    return Statement(
        sql.SQL("SELECT pg_create_logical_replication_slot(%(slot)s, 'pgoutput')::text"),
        {"slot": slot},
    )


def drop_slot(slot: str) -> Statement:
    return Statement(
        sql.SQL(
            "SELECT pg_drop_replication_slot(slot_name)::text FROM pg_replication_slots "
            "WHERE slot_name = %(slot)s"
        ),
        {"slot": slot},
    )


def drain_statement(slot: str, publications: list[str], upto_changes: int) -> Statement:
    """Up to about ``upto_changes`` messages of ``slot`` (whole transactions) as rows of
    (lsn, data), left in the slot: the drainer advances it once the events are handed on."""
    return Statement(
        sql.SQL(
            "SELECT lsn::text, data FROM pg_logical_slot_peek_binary_changes("
            "%(slot)s, NULL, %(upto)s, 'proto_version', '1', 'publication_names', %(names)s)"
        ),
        {"slot": slot, "upto": upto_changes, "names": ",".join(publications)},
    )


def advance_slot(slot: str, lsn: str) -> Statement:
    """Confirm everything up to ``lsn`` as handled: the slot lets that WAL go."""
    return Statement(
        sql.SQL("SELECT pg_replication_slot_advance(%(slot)s, %(lsn)s::pg_lsn)::text"),
        {"slot": slot, "lsn": lsn},
    )
