import { describe, expect, it } from "vitest";
import { nextThemeChoice, parseThemeChoice, readThemeChoice, resolveTheme, writeThemeChoice } from "./theme";

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    items,
  };
}

describe("theme choice", () => {
  it("follows the system when the choice is system", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
  });

  it("ignores the system when light or dark is chosen", () => {
    expect(resolveTheme("light", true)).toBe("light");
    expect(resolveTheme("light", false)).toBe("light");
    expect(resolveTheme("dark", false)).toBe("dark");
    expect(resolveTheme("dark", true)).toBe("dark");
  });

  it("cycles System, Light, Dark", () => {
    expect(nextThemeChoice("system")).toBe("light");
    expect(nextThemeChoice("light")).toBe("dark");
    expect(nextThemeChoice("dark")).toBe("system");
  });

  it("keeps the choice in storage, defaulting to system", () => {
    const storage = memoryStorage();
    expect(readThemeChoice(storage)).toBe("system");
    writeThemeChoice(storage, "dark");
    expect(readThemeChoice(storage)).toBe("dark");
    writeThemeChoice(storage, "system");
    expect(storage.items.size).toBe(0);
    expect(parseThemeChoice("purple")).toBe("system");
    expect(readThemeChoice(undefined)).toBe("system");
  });
});
