import { describe, expect, it } from "vitest";
import { readPageParam, urlWithPage } from "./tableUrl";
import { readTabs, renameTab, writeTabs } from "./tabsStore";

function memory(initial: string | null = null) {
  let value = initial;
  return {
    getItem: () => value,
    setItem: (_key: string, next: string) => {
      value = next;
    },
  };
}

describe("tabs across a reload", () => {
  it("writes and reads the list", () => {
    const storage = memory();
    writeTabs(storage, ["people", "orders"]);
    expect(readTabs(storage)).toEqual(["people", "orders"]);
  });

  it("ignores a missing or damaged list", () => {
    expect(readTabs(memory())).toEqual([]);
    expect(readTabs(memory("{"))).toEqual([]);
    expect(readTabs(memory('{"a": 1}'))).toEqual([]);
    expect(readTabs(memory('["a", 3, "", "a"]'))).toEqual(["a"]);
  });

  it("follows renames and drops", () => {
    expect(renameTab(["a", "b", "c"], "b", "x")).toEqual(["a", "x", "c"]);
    expect(renameTab(["a", "b"], "b", null)).toEqual(["a"]);
  });
});

describe("the page in the URL", () => {
  it("reads only known pages", () => {
    expect(readPageParam("?page=api-keys")).toBe("api-keys");
    expect(readPageParam("?page=indexes&table=t")).toBe("indexes");
    expect(readPageParam("?page=nope")).toBeNull();
  });

  it("sets and removes it", () => {
    expect(urlWithPage("http://h/?table=t", "indexes")).toBe("http://h/?table=t&page=indexes");
    expect(urlWithPage("http://h/?page=indexes&table=t", null)).toBe("http://h/?table=t");
  });
});
