"""The one catalog query that reads the shape of a schema's tables as a JSON document."""

from __future__ import annotations

from psycopg import sql

__all__ = ["catalog_statement"]

# One round trip returns every table of a schema (or one table) with its columns, constraints
# and indexes, so a schema read never fans out into per-table queries.
_CATALOG = sql.SQL(
    """
SELECT coalesce(json_agg(t ORDER BY t.name), '[]')::text FROM (
  SELECT c.oid::bigint AS oid, c.relname AS name,
    obj_description(c.oid, 'pg_class') AS comment,
    (SELECT coalesce(json_agg(json_build_object(
        'name', a.attname,
        'attnum', a.attnum,
        'pgType', format_type(a.atttypid, a.atttypmod),
        'udtName', ty.typname,
        'isArray', ty.typcategory = 'A' OR (ty.typtype = 'd' AND bt.typcategory = 'A'),
        'elementType', coalesce(el.typname, bel.typname),
        'domain', CASE WHEN ty.typtype = 'd' THEN ty.typname
                       WHEN el.typtype = 'd' THEN el.typname END,
        'baseType', CASE WHEN ty.typtype = 'd' THEN bt.typname
                         WHEN el.typtype = 'd' THEN ebt.typname
                         WHEN ty.typcategory = 'A' THEN el.typname
                         ELSE ty.typname END,
        'notNull', a.attnotnull,
        'identity', a.attidentity <> '',
        'identityAlways', a.attidentity = 'a',
        'generated', a.attgenerated::text,
        'default', pg_get_expr(d.adbin, d.adrelid),
        'comment', col_description(c.oid, a.attnum)
      ) ORDER BY a.attnum), '[]')
     FROM pg_attribute a
     JOIN pg_type ty ON ty.oid = a.atttypid
     LEFT JOIN pg_type bt ON bt.oid = ty.typbasetype
     LEFT JOIN pg_type el ON el.oid = ty.typelem AND ty.typcategory = 'A'
     LEFT JOIN pg_type ebt ON ebt.oid = el.typbasetype
     LEFT JOIN pg_type bel ON bel.oid = bt.typelem AND bt.typcategory = 'A'
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
    (SELECT coalesce(json_agg(json_build_object(
        'name', con.conname,
        'type', con.contype::text,
        'columns', (SELECT coalesce(json_agg(a.attname ORDER BY k.ordinality), '[]')
                    FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ordinality)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
        'definition', pg_get_constraintdef(con.oid),
        'refSchema', rn.nspname,
        'refTable', rc.relname,
        'refColumns', (SELECT coalesce(json_agg(a.attname ORDER BY k.ordinality), '[]')
                       FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ordinality)
                       JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum),
        'onUpdate', con.confupdtype::text,
        'onDelete', con.confdeltype::text
      ) ORDER BY con.conname), '[]')
     FROM pg_constraint con
     LEFT JOIN pg_class rc ON rc.oid = con.confrelid
     LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
     WHERE con.conrelid = c.oid) AS constraints,
    (SELECT coalesce(json_agg(json_build_object(
        'name', ic.relname,
        'unique', i.indisunique,
        'primary', i.indisprimary,
        'method', am.amname,
        'partial', i.indpred IS NOT NULL,
        'columns', (SELECT coalesce(json_agg(a.attname ORDER BY k.ordinality), '[]')
                    FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ordinality)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum),
        'expression', i.indexprs IS NOT NULL,
        'constraint', (SELECT con.conname FROM pg_constraint con WHERE con.conindid = i.indexrelid
                       AND con.conrelid = i.indrelid LIMIT 1)
      ) ORDER BY ic.relname), '[]')
     FROM pg_index i
     JOIN pg_class ic ON ic.oid = i.indexrelid
     JOIN pg_am am ON am.oid = ic.relam
     WHERE i.indrelid = c.oid) AS indexes
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND (%(table)s::text IS NULL OR c.relname = %(table)s::text)
) t
"""
)


def catalog_statement(
    schema: str, table: str | None = None
) -> tuple[sql.Composable, dict[str, str | None]]:
    """The catalog query and its parameters: all tables of ``schema``, or just ``table``."""
    return _CATALOG, {"schema": schema, "table": table}
