/** Columns as the API describes them, for unit tests: a plain nullable column of a type. */
import type { Column } from "../api";

export function testColumn(name: string, dataType: Column["dataType"]): Column {
  return {
    name,
    dataType,
    primary: name === "id",
    nullable: true,
    presentation: null,
    options: null,
    formula: null,
  };
}
