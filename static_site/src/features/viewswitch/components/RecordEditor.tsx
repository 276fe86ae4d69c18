import type { RecordRow, TableDocument } from "../../../shared/api";
import { type Field, RecordDialog } from "../../grid";
import type { useViewWrites } from "../useViewRecords";

/** The grid's record form for a record of a calendar, timeline or map (saved with a PATCH). */
export function RecordEditor({
  table,
  row,
  writes,
  onClose,
}: {
  table: TableDocument;
  row: RecordRow;
  writes: ReturnType<typeof useViewWrites>;
  onClose: () => void;
}) {
  const key = table.primaryKey.name;
  return (
    <RecordDialog
      table={table.name}
      schema={table.schema as Field[]}
      primaryKey={key}
      row={row}
      onClose={() => {
        writes.reset();
        onClose();
      }}
      onSave={async (changes) => {
        try {
          await writes.patch.mutateAsync({ id: row[key], data: changes });
          return true;
        } catch {
          return false;
        }
      }}
      pending={writes.patch.isPending}
      error={writes.patch.error}
    />
  );
}

/** The record form for a new record; the values it was started with (the day clicked) are sent with it. */
export function NewRecordEditor({
  table,
  preset,
  writes,
  onClose,
}: {
  table: TableDocument;
  preset: RecordRow;
  writes: ReturnType<typeof useViewWrites>;
  onClose: () => void;
}) {
  return (
    <RecordDialog
      table={table.name}
      schema={table.schema as Field[]}
      primaryKey={table.primaryKey.name}
      row={null}
      onClose={() => {
        writes.reset();
        onClose();
      }}
      onSave={async (changes) => {
        try {
          await writes.create.mutateAsync({ ...preset, ...changes });
          return true;
        } catch {
          return false;
        }
      }}
      pending={writes.create.isPending}
      error={writes.create.error}
    />
  );
}

/** What a record shows as its label: the display field's text, else its key. */
export function labelOf(row: RecordRow, display: string | null, primaryKey: string): string {
  const value = display === null ? undefined : row[display];
  if (value === null || value === undefined || value === "") return `#${String(row[primaryKey])}`;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
