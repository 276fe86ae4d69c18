/** Completion of column and function names while a formula's expression is typed. */

/** PostgreSQL functions a generated column may use (immutable ones), offered after the columns. */
export const FORMULA_FUNCTIONS = [
  "abs",
  "ceil",
  "floor",
  "round",
  "trunc",
  "mod",
  "power",
  "sqrt",
  "greatest",
  "least",
  "coalesce",
  "nullif",
  "upper",
  "lower",
  "initcap",
  "length",
  "trim",
  "ltrim",
  "rtrim",
  "left",
  "right",
  "substring",
  "replace",
  "concat",
  "concat_ws",
  "lpad",
  "rpad",
  "split_part",
  "position",
  "md5",
  "date_part",
  "date_trunc",
  "make_date",
  "to_char",
  "to_number",
  "jsonb_build_object",
  "jsonb_array_length",
  "array_length",
  "cardinality",
] as const;

export interface Completion {
  /** Where the identifier being typed starts. */
  start: number;
  prefix: string;
  suggestions: string[];
}

const WORD = /[A-Za-z0-9_]/;

/** The identifier that ends at the caret (not inside a '…' string or "…" name), or null. */
export function identifierAt(text: string, caret: number): { start: number; prefix: string } | null {
  let start = caret;
  while (start > 0 && WORD.test(text[start - 1] ?? "")) start -= 1;
  const prefix = text.slice(start, caret);
  if (prefix === "" || /^[0-9]/.test(prefix)) return null;
  const before = text.slice(0, start);
  const singles = (before.match(/'/g) ?? []).length;
  const doubles = (before.match(/"/g) ?? []).length;
  if (singles % 2 === 1 || doubles % 2 === 1) return null;
  return { start, prefix };
}

/** Column names first, then functions, that start with what is typed (ignoring case), at most `limit`. */
export function completeFormula(text: string, caret: number, columns: readonly string[], limit = 8): Completion | null {
  const at = identifierAt(text, caret);
  if (at === null) return null;
  const needle = at.prefix.toLowerCase();
  const matches = [...columns, ...FORMULA_FUNCTIONS].filter((word) => {
    const lower = word.toLowerCase();
    return lower.startsWith(needle) && lower !== needle;
  });
  const suggestions = [...new Set(matches)].slice(0, limit);
  return suggestions.length ? { ...at, suggestions } : null;
}

/** How a suggestion is written into SQL: a column with capitals or odd characters is quoted. */
export function sqlWord(word: string, columns: readonly string[]): string {
  if (!columns.includes(word)) return `${word}(`;
  return /^[a-z_][a-z0-9_]*$/.test(word) ? word : `"${word.replace(/"/g, '""')}"`;
}

/** The text with the identifier at the caret replaced by `word`, and where the caret goes. */
export function applyCompletion(
  text: string,
  completion: Pick<Completion, "start">,
  caret: number,
  written: string,
): { text: string; caret: number } {
  const next = text.slice(0, completion.start) + written + text.slice(caret);
  return { text: next, caret: completion.start + written.length };
}
