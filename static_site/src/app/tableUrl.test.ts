import { describe, expect, it } from "vitest";
import { readTableParam, urlWithTable } from "./tableUrl";

describe("the active table in the URL", () => {
  it("reads ?table=", () => {
    expect(readTableParam("?table=people&x=1")).toBe("people");
    expect(readTableParam("?table=")).toBeNull();
    expect(readTableParam("")).toBeNull();
  });

  it("sets and removes it, keeping the rest of the URL", () => {
    expect(urlWithTable("http://h/?x=1", "big table")).toBe("http://h/?x=1&table=big+table");
    expect(urlWithTable("http://h/?table=a&x=1", null)).toBe("http://h/?x=1");
  });
});
