import type { Column } from "../../shared/api";

/** Whether a number column has a format of its own (else it shows its numbers as they are). */
export function hasNumberFormat(column: Pick<Column, "presentation">): boolean {
  const kind = column.presentation?.format?.numberFormat;
  return kind === "comma" || kind === "percentage" || kind === "currency";
}

/**
 * How a number column shows its values, from its presentation's format (as the column editor
 * saves it): `comma` (grouped digits), `percentage` (the value is a fraction: 0.25 is 25%) or
 * `currency` (with `currency`, USD by default). Unformatted columns show the number as it is.
 */
export function numberFormatter(column: Pick<Column, "presentation">): (value: number) => string {
  const format = column.presentation?.format ?? null;
  const kind = typeof format?.numberFormat === "string" ? format.numberFormat : "";
  if (kind === "comma") {
    const grouped = new Intl.NumberFormat("en", { maximumFractionDigits: 20 });
    return (value) => grouped.format(value);
  }
  if (kind === "percentage") {
    const percent = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 2 });
    return (value) => percent.format(value);
  }
  if (kind === "currency") {
    const code = typeof format?.currency === "string" && format.currency ? format.currency : "USD";
    let money: Intl.NumberFormat;
    try {
      money = new Intl.NumberFormat("en", { style: "currency", currency: code });
    } catch {
      return (value) => `${String(value)} ${code}`; // a code Intl does not know: shown as it is
    }
    return (value) => money.format(value);
  }
  return (value) => String(value);
}
