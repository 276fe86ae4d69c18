import { describe, expect, it } from "vitest";
import { numberFormatter } from "./numberFormat";

const formatted = (format: Record<string, unknown> | null, value: number) =>
  numberFormatter({ presentation: format === null ? null : { uiName: null, format } })(value);

describe("numberFormatter", () => {
  it("shows an unformatted number as it is", () => {
    expect(formatted(null, 1234.5)).toBe("1234.5");
    expect(formatted({}, -0.25)).toBe("-0.25");
  });

  it("groups digits with comma", () => {
    expect(formatted({ numberFormat: "comma" }, 1234567.891)).toBe("1,234,567.891");
  });

  it("reads a fraction as a percentage", () => {
    expect(formatted({ numberFormat: "percentage" }, 0.256)).toBe("25.6%");
  });

  it("shows the currency, USD by default", () => {
    expect(formatted({ numberFormat: "currency", currency: "EUR" }, 1234.5)).toBe("€1,234.50");
    expect(formatted({ numberFormat: "currency" }, 3)).toBe("$3.00");
    expect(formatted({ numberFormat: "currency", currency: "VND" }, 12000)).toBe("₫12,000");
  });

  it("falls back to the code for a currency it does not know", () => {
    expect(formatted({ numberFormat: "currency", currency: "XX1" }, 5)).toBe("5 XX1");
  });
});
