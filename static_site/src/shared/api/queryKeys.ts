/**
 * Query keys every feature shares, so that a change made in one (a column added, a table renamed)
 * reaches what another shows: the tables, one table's document, its rows, the indexes, the API keys.
 */
export const queryKeys = {
  tables: ["tables"] as const,
  table: (table: string) => ["tables", table] as const,
  rows: (table: string) => ["rows", table] as const,
  indexes: ["indexes"] as const,
  apiKeys: ["api-keys"] as const,
};
