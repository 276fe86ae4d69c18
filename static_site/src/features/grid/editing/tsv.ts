/** Tab-separated text as spreadsheets put it on the clipboard: cells with tabs, newlines or quotes are quoted. */

/** Rows of cells from clipboard text; `"a""b"` is `a"b`, a quoted cell may hold tabs and newlines. */
export function parseTsv(text: string): string[][] {
  const source = text.replace(/\r\n?/g, "\n").replace(/\n$/, "");
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let index = 0;
  let atCellStart = true;
  while (index < source.length) {
    const char = source[index] as string;
    if (atCellStart && char === '"') {
      const end = closingQuote(source, index + 1);
      if (end !== -1) {
        cell = source.slice(index + 1, end).replace(/""/g, '"');
        index = end + 1;
        atCellStart = false;
        continue;
      }
    }
    atCellStart = false;
    if (char === "\t") {
      row.push(cell);
      cell = "";
      atCellStart = true;
    } else if (char === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      atCellStart = true;
    } else {
      cell += char;
    }
    index++;
  }
  row.push(cell);
  rows.push(row);
  return rows;
}

/** The index of the quote closing a quoted cell (followed by a tab, a newline or the end), or -1. */
function closingQuote(source: string, from: number): number {
  let index = from;
  while (index < source.length) {
    if (source[index] === '"') {
      if (source[index + 1] === '"') {
        index += 2;
        continue;
      }
      const next = source[index + 1];
      return next === undefined || next === "\t" || next === "\n" ? index : -1;
    }
    index++;
  }
  return -1;
}

export function formatTsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(quoteCell).join("\t")).join("\n");
}

function quoteCell(cell: string): string {
  return /[\t\n\r"]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
