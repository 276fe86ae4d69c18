import { type GridColumn, GridColumnIcon } from "@glideapps/glide-data-grid";
import type { Column, FieldType } from "../../shared/api";

const ICONS: Partial<Record<FieldType, GridColumnIcon>> = {
  text: GridColumnIcon.HeaderString,
  "long-text": GridColumnIcon.HeaderTextTemplate,
  integer: GridColumnIcon.HeaderNumber,
  number: GridColumnIcon.HeaderNumber,
  "auto-number": GridColumnIcon.HeaderRowID,
  date: GridColumnIcon.HeaderDate,
  "auto-date": GridColumnIcon.HeaderDate,
  checkbox: GridColumnIcon.HeaderBoolean,
  select: GridColumnIcon.HeaderSingleValue,
  "multi-select": GridColumnIcon.HeaderArray,
  email: GridColumnIcon.HeaderEmail,
  url: GridColumnIcon.HeaderUri,
  json: GridColumnIcon.HeaderCode,
  "geo-point": GridColumnIcon.HeaderGeoDistance,
  reference: GridColumnIcon.HeaderReference,
  attachment: GridColumnIcon.HeaderImage,
  formula: GridColumnIcon.HeaderMath,
};

const NARROW: ReadonlySet<FieldType> = new Set(["checkbox", "integer", "number", "auto-number"]);

/** The header a person reads: the column's UI name when set, else its name. */
export function columnTitle(column: Column): string {
  const uiName = column.presentation?.uiName?.trim();
  return uiName ? uiName : column.name;
}

export function toGridColumns(schema: readonly Column[]): GridColumn[] {
  return schema.map((column) => {
    const icon = ICONS[column.dataType];
    return {
      id: column.name,
      title: columnTitle(column),
      width: NARROW.has(column.dataType) ? 120 : 200,
      ...(icon === undefined ? {} : { icon }),
    };
  });
}
