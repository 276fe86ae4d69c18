import { describe, expect, it } from "vitest";
import { assignLayers, type ErdTableInput, fitTransform, layoutErd, overlaps, shownName } from "./erd";

const ref = (table: string, column = "id") => ({ table, column: { name: column } });
const col = (name: string, uiName: string | null = null, foreignKey: ReturnType<typeof ref> | null = null) => ({
  name,
  dataType: foreignKey ? "reference" : "text",
  presentation: uiName === null ? null : { uiName },
  foreignKey,
});

const demo: ErdTableInput[] = [
  { name: "companies", presentation: { uiName: "Companies" }, schema: [col("id"), col("name", "Company")] },
  {
    name: "contacts",
    presentation: { uiName: "Contacts" },
    schema: [col("id"), col("company_id", "Company", ref("companies"))],
  },
  {
    name: "opportunities",
    presentation: { uiName: "Opportunities" },
    schema: [
      col("id"),
      col("company_id", "Company", ref("companies")),
      col("contact_id", "Main contact", ref("contacts")),
    ],
  },
  {
    name: "interactions",
    presentation: null,
    schema: [
      col("id"),
      col("contact_id", null, ref("contacts")),
      col("opportunity_id", "Opportunity", ref("opportunities")),
    ],
  },
  { name: "notes", presentation: null, schema: [col("id"), col("parent_id", null, ref("notes"))] },
  { name: "lonely", presentation: null, schema: [col("id")] },
];

describe("relations layout", () => {
  it("turns every reference into an edge", () => {
    const layout = layoutErd(demo, "technical");
    expect(layout.edges.map((edge) => edge.title).sort()).toEqual(
      [
        "contacts.company_id → companies.id",
        "interactions.contact_id → contacts.id",
        "interactions.opportunity_id → opportunities.id",
        "notes.parent_id → notes.id",
        "opportunities.company_id → companies.id",
        "opportunities.contact_id → contacts.id",
      ].sort(),
    );
    for (const edge of layout.edges) expect(edge.path).toMatch(/^M [\d.-]+ [\d.-]+ C /);
  });

  it("places nodes without overlaps, inside the diagram", () => {
    const many: ErdTableInput[] = Array.from({ length: 30 }, (_, index) => ({
      name: `t${index}`,
      presentation: null,
      schema: [
        col("id"),
        ...(index > 0 ? [col("parent", null, ref(`t${Math.floor(index / 3)}`))] : []),
        col(`c${index}`),
      ],
    }));
    const isolated: ErdTableInput[] = Array.from({ length: 25 }, (_, index) => ({
      name: `solo${index}`,
      presentation: null,
      schema: Array.from({ length: 1 + (index % 7) }, (_, column) => col(`column_${column}`)),
    }));
    for (const tables of [demo, many, isolated, [...demo, ...isolated]]) {
      const layout = layoutErd(tables, "ui");
      expect(layout.nodes).toHaveLength(tables.length);
      for (const [i, a] of layout.nodes.entries()) {
        expect(a.x).toBeGreaterThanOrEqual(0);
        expect(a.y).toBeGreaterThanOrEqual(0);
        expect(a.x + a.width).toBeLessThanOrEqual(layout.width);
        expect(a.y + a.height).toBeLessThanOrEqual(layout.height);
        for (const b of layout.nodes.slice(i + 1)) expect(overlaps(a, b), `${a.table} / ${b.table}`).toBe(false);
      }
    }
  });

  it("wraps tables without references into rows under the diagram", () => {
    const layout = layoutErd(
      [
        ...demo,
        ...Array.from({ length: 12 }, (_, index) => ({
          name: `solo${index}`,
          presentation: null,
          schema: [col("id")],
        })),
      ],
      "ui",
    );
    const companies = layout.nodes.find((node) => node.table === "companies");
    const solos = layout.nodes.filter((node) => node.table.startsWith("solo"));
    expect(new Set(solos.map((node) => node.y)).size).toBeLessThan(solos.length);
    for (const solo of solos) expect(solo.y).toBeGreaterThan((companies?.y ?? 0) + (companies?.height ?? 0));
  });

  it("puts referenced tables in earlier layers, surviving cycles", () => {
    const layers = assignLayers(
      ["a", "b", "c"],
      [
        ["b", "a"],
        ["c", "b"],
        ["a", "c"],
        ["a", "a"],
      ],
    );
    expect([...layers.values()].every((layer) => layer >= 0 && layer <= 2)).toBe(true);
    const demoLayers = new Map(layoutErd(demo, "ui").nodes.map((node) => [node.table, node.layer]));
    expect(demoLayers.get("companies")).toBe(0);
    expect(demoLayers.get("contacts")).toBe(1);
    expect(demoLayers.get("opportunities")).toBe(2);
    expect(demoLayers.get("interactions")).toBe(3);
  });

  it("switches between UI names and technical names", () => {
    const ui = layoutErd(demo, "ui");
    const technical = layoutErd(demo, "technical");
    expect(ui.nodes.map((node) => node.label)).toContain("Opportunities");
    expect(ui.nodes.find((node) => node.table === "interactions")?.label).toBe("interactions");
    expect(technical.nodes.map((node) => node.label)).toContain("opportunities");
    expect(ui.edges.find((edge) => edge.id === "opportunities.contact_id")?.title).toBe(
      "Opportunities.Main contact → Contacts.id",
    );
    expect(technical.edges.find((edge) => edge.id === "opportunities.contact_id")?.title).toBe(
      "opportunities.contact_id → contacts.id",
    );
    expect(shownName("x", { uiName: "  " }, "ui")).toBe("x");
    expect(shownName("x", { uiName: "X" }, "technical")).toBe("x");
  });

  it("fits the diagram in a viewport without magnifying", () => {
    expect(fitTransform({ width: 1000, height: 500 }, { width: 500, height: 500 }).scale).toBe(0.5);
    expect(fitTransform({ width: 100, height: 100 }, { width: 500, height: 500 })).toEqual({
      scale: 1,
      x: 200,
      y: 200,
    });
  });
});
