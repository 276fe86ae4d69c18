import { describe, expect, it } from "vitest";
import { EMPTY_INDEX_FORM, indexBody, matchIndexes, suggestIndexName } from "./indexForm";

describe("index form", () => {
  it("names the index after its table and columns unless one is typed", () => {
    expect(suggestIndexName("people", ["last", "first"])).toBe("people_last_first_idx");
    expect(indexBody({ ...EMPTY_INDEX_FORM, tableName: "people", columnNames: ["email"], unique: true })).toEqual({
      body: { name: "people_email_idx", tableName: "people", columnNames: ["email"], unique: true, type: "btree" },
    });
    expect(
      indexBody({ ...EMPTY_INDEX_FORM, name: "by_tags", tableName: "t", columnNames: ["tags"], type: "gin" }),
    ).toMatchObject({
      body: { name: "by_tags", type: "gin" },
    });
  });

  it("needs a table and a column", () => {
    expect(indexBody(EMPTY_INDEX_FORM)).toEqual({ error: "Choose a table" });
    expect(indexBody({ ...EMPTY_INDEX_FORM, tableName: "t" })).toEqual({ error: "Choose at least one column" });
  });

  it("searches names, tables and columns", () => {
    const indexes = [
      { name: "people_pkey", tableName: "people", columnNames: ["id"], unique: true, type: "btree" as const },
      { name: "by_email", tableName: "users", columnNames: ["email"], unique: false, type: "hash" as const },
    ];
    expect(matchIndexes(indexes, "EMAIL").map((index) => index.name)).toEqual(["by_email"]);
    expect(matchIndexes(indexes, "people").map((index) => index.name)).toEqual(["people_pkey"]);
    expect(matchIndexes(indexes, " ")).toHaveLength(2);
  });
});
