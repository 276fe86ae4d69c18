import { describe, expect, it } from "vitest";
import { EMPTY_KEY_FORM, endOfDay, keyFormBody, keyStatus } from "./keyForm";

const now = new Date(2030, 0, 10, 12, 0, 0);

describe("API key form → body", () => {
  it("sends every field", () => {
    const result = keyFormBody(
      {
        name: " reporting ",
        scopes: { rest: true, realtime: false, mcp: false, agent: false },
        tables: ["orders", "people"],
        readOnly: true,
        expiresOn: "2030-02-01",
        rateLimit: "120",
      },
      now,
    );
    expect(result).toEqual({
      body: {
        name: "reporting",
        scopes: { rest: true, realtime: false, mcp: false, agent: false },
        tables: ["orders", "people"],
        readOnly: true,
        rateLimit: 120,
        expiresAt: endOfDay("2030-02-01"),
      },
    });
    expect(new Date(endOfDay("2030-02-01")).getDate()).toBe(1);
    expect(new Date(endOfDay("2030-02-01")).getHours()).toBe(23);
  });

  it("leaves out the optional limits: every table, no expiry, default rate", () => {
    expect(keyFormBody({ ...EMPTY_KEY_FORM, name: "k" }, now)).toEqual({
      body: {
        name: "k",
        scopes: { rest: true, realtime: true, mcp: true, agent: true },
        tables: null,
        readOnly: false,
        rateLimit: null,
        expiresAt: null,
      },
    });
  });

  it("refuses what the API would", () => {
    expect(keyFormBody({ ...EMPTY_KEY_FORM, name: " " }, now)).toEqual({ error: "Name is required" });
    const noScope = { rest: false, realtime: false, mcp: false, agent: false };
    expect(keyFormBody({ ...EMPTY_KEY_FORM, name: "k", scopes: noScope }, now)).toEqual({
      error: "Choose at least one scope",
    });
    expect(keyFormBody({ ...EMPTY_KEY_FORM, name: "k", rateLimit: "1.5" }, now)).toHaveProperty("error");
    expect(keyFormBody({ ...EMPTY_KEY_FORM, name: "k", expiresOn: "2030-01-09" }, now)).toEqual({
      error: "Expiry must be in the future",
    });
  });
});

describe("a key's status", () => {
  it("is revoked, expired or active, revoked first", () => {
    expect(keyStatus({ revoked: true, expiresAt: "2030-01-01T00:00:00Z" }, now)).toBe("Revoked");
    expect(keyStatus({ revoked: false, expiresAt: "2030-01-10T11:59:59Z" }, new Date("2030-01-10T12:00:00Z"))).toBe(
      "Expired",
    );
    expect(keyStatus({ revoked: false, expiresAt: "2030-01-10T12:00:01Z" }, new Date("2030-01-10T12:00:00Z"))).toBe(
      "Active",
    );
    expect(keyStatus({ revoked: false, expiresAt: null }, now)).toBe("Active");
  });
});
