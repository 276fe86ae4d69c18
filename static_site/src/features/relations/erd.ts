/**
 * The relations diagram's model and layout: a node per table (with its columns), an edge per reference
 * (column → referenced table's column), tables placed in layers (referenced tables left of the tables that
 * reference them), ordered within a layer to shorten edges. Pure, so it is tested without a browser.
 */

export interface ErdColumnInput {
  name: string;
  dataType: string;
  primary?: boolean;
  presentation?: { uiName?: string | null } | null;
  foreignKey?: { table: string; column: { name: string } } | null;
}

export interface ErdTableInput {
  name: string;
  presentation?: { uiName?: string | null } | null;
  schema: ErdColumnInput[];
}

export type NameMode = "ui" | "technical";

export interface ErdColumn {
  name: string;
  label: string;
  dataType: string;
  primary: boolean;
  /** The referenced table, when the column is a reference. */
  references: string | null;
}

export interface ErdNode {
  table: string;
  label: string;
  columns: ErdColumn[];
  x: number;
  y: number;
  width: number;
  height: number;
  layer: number;
}

export interface ErdEdge {
  id: string;
  fromTable: string;
  fromColumn: string;
  toTable: string;
  toColumn: string;
  /** "<table>.<column> → <target table>.<target column>", in the names shown. */
  title: string;
  /** The path's points: start at the column's row, end at the target column's row. */
  path: string;
}

export interface ErdLayout {
  nodes: ErdNode[];
  edges: ErdEdge[];
  width: number;
  height: number;
}

export const ERD_METRICS = {
  headerHeight: 30,
  rowHeight: 22,
  padding: 10,
  charWidth: 7.2,
  minWidth: 150,
  maxWidth: 320,
  layerGap: 110,
  nodeGap: 36,
  margin: 24,
};

/** A table's or column's name as shown: its UI name when asked for and set, else its technical name. */
export function shownName(
  name: string,
  presentation: { uiName?: string | null } | null | undefined,
  mode: NameMode,
): string {
  const uiName = presentation?.uiName?.trim();
  return mode === "ui" && uiName ? uiName : name;
}

function nodeWidth(label: string, columns: ErdColumn[]): number {
  const m = ERD_METRICS;
  const longest = Math.max(
    label.length + 2,
    ...columns.map((column) => column.label.length + column.dataType.length + 4),
  );
  return Math.min(m.maxWidth, Math.max(m.minWidth, Math.ceil(longest * m.charWidth + 2 * m.padding)));
}

/**
 * Layers: a table sits one layer right of the deepest table it references (references that close a cycle, and
 * self-references, are ignored for this), so edges mostly run right to left, to the referenced table.
 */
export function assignLayers(tables: string[], references: Array<[string, string]>): Map<string, number> {
  const outgoing = new Map<string, string[]>(tables.map((table) => [table, []]));
  for (const [from, to] of references) if (from !== to && outgoing.has(to)) outgoing.get(from)?.push(to);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (table: string): number => {
    const known = layer.get(table);
    if (known !== undefined) return known;
    if (visiting.has(table)) return -1; // a cycle: this edge does not count
    visiting.add(table);
    let deepest = -1;
    for (const target of outgoing.get(table) ?? []) deepest = Math.max(deepest, visit(target));
    visiting.delete(table);
    layer.set(table, deepest + 1);
    return deepest + 1;
  };
  [...tables].sort().forEach(visit);
  return layer;
}

export function layoutErd(tables: ErdTableInput[], mode: NameMode): ErdLayout {
  const m = ERD_METRICS;
  const known = new Set(tables.map((table) => table.name));
  const references: Array<[string, string]> = [];
  const nodes: ErdNode[] = tables.map((table) => {
    const columns: ErdColumn[] = table.schema.map((column) => {
      const target = column.foreignKey?.table ?? null;
      if (target !== null && known.has(target)) references.push([table.name, target]);
      return {
        name: column.name,
        label: shownName(column.name, column.presentation, mode),
        dataType: column.dataType,
        primary: column.primary === true,
        references: target,
      };
    });
    const label = shownName(table.name, table.presentation, mode);
    return {
      table: table.name,
      label,
      columns,
      x: 0,
      y: 0,
      width: nodeWidth(label, columns),
      height: m.headerHeight + columns.length * m.rowHeight + m.padding / 2,
      layer: 0,
    };
  });
  const layers = assignLayers(
    nodes.map((node) => node.table),
    references,
  );
  const byTable = new Map(nodes.map((node) => [node.table, node]));
  const linked = new Set(references.filter(([from, to]) => from !== to).flat());
  const columnsOf: ErdNode[][] = [];
  // Tables without references to or from others go in rows under the diagram, not in one tall first layer.
  const isolated: ErdNode[] = [];
  for (const node of nodes) {
    node.layer = layers.get(node.table) ?? 0;
    if (linked.has(node.table)) columnsOf[node.layer] = [...(columnsOf[node.layer] ?? []), node];
    else isolated.push(node);
  }

  // Order each layer by the mean position of its neighbours in the layers already placed (a barycenter sweep),
  // tables without neighbours after, by name.
  const neighbours = new Map<string, string[]>(nodes.map((node) => [node.table, []]));
  for (const [from, to] of references) {
    if (from === to) continue;
    neighbours.get(from)?.push(to);
    neighbours.get(to)?.push(from);
  }
  const rank = new Map<string, number>();
  for (let sweep = 0; sweep < 3; sweep++) {
    for (let index = 0; index < columnsOf.length; index++) {
      const layer = columnsOf[index] ?? [];
      const score = (node: ErdNode) => {
        const placed = (neighbours.get(node.table) ?? [])
          .map((name) => rank.get(name))
          .filter((value) => value !== undefined);
        return placed.length === 0
          ? Number.POSITIVE_INFINITY
          : placed.reduce((sum, value) => sum + value, 0) / placed.length;
      };
      const scored = layer.map((node) => ({ node, score: sweep === 0 && index === 0 ? 0 : score(node) }));
      scored.sort((a, b) => a.score - b.score || a.node.table.localeCompare(b.node.table));
      columnsOf[index] = scored.map((entry) => entry.node);
      for (const [position, { node }] of scored.entries())
        rank.set(node.table, position / Math.max(1, layer.length - 1));
    }
  }

  // Place: layers left to right, nodes stacked top to bottom, each layer centred vertically.
  const layerHeights = columnsOf.map(
    (layer) =>
      (layer ?? []).reduce((sum, node) => sum + node.height, 0) + m.nodeGap * Math.max(0, (layer ?? []).length - 1),
  );
  const tallest = Math.max(0, ...layerHeights);
  let x = m.margin;
  columnsOf.forEach((layer, index) => {
    if (!layer || layer.length === 0) return;
    const layerWidth = Math.max(...layer.map((node) => node.width));
    let y = m.margin + (tallest - (layerHeights[index] ?? 0)) / 2;
    for (const node of layer) {
      node.x = x + (layerWidth - node.width) / 2;
      node.y = y;
      y += node.height + m.nodeGap;
    }
    x += layerWidth + m.layerGap;
  });

  const graphBottom = Math.max(
    0,
    ...nodes.filter((node) => linked.has(node.table)).map((node) => node.y + node.height),
  );
  const rowWidth = Math.max(x - m.layerGap, 1100);
  let rowX = m.margin;
  let rowY = graphBottom > 0 ? graphBottom + m.layerGap / 2 : m.margin;
  let rowHeight = 0;
  for (const node of isolated.sort((a, b) => a.table.localeCompare(b.table))) {
    if (rowX > m.margin && rowX + node.width > rowWidth) {
      rowX = m.margin;
      rowY += rowHeight + m.nodeGap;
      rowHeight = 0;
    }
    node.x = rowX;
    node.y = rowY;
    rowX += node.width + m.nodeGap;
    rowHeight = Math.max(rowHeight, node.height);
  }

  const columnY = (node: ErdNode, column: string) => {
    const index = Math.max(
      0,
      node.columns.findIndex((candidate) => candidate.name === column),
    );
    return node.y + m.headerHeight + index * m.rowHeight + m.rowHeight / 2;
  };
  const edges: ErdEdge[] = [];
  for (const table of tables) {
    for (const column of table.schema) {
      const fk = column.foreignKey;
      if (!fk) continue;
      const from = byTable.get(table.name);
      const to = byTable.get(fk.table);
      if (!from || !to) continue;
      const fromColumn = from.columns.find((candidate) => candidate.name === column.name);
      const toColumn = to.columns.find((candidate) => candidate.name === fk.column.name);
      const title = `${from.label}.${fromColumn?.label ?? column.name} → ${to.label}.${toColumn?.label ?? fk.column.name}`;
      edges.push({
        id: `${table.name}.${column.name}`,
        fromTable: table.name,
        fromColumn: column.name,
        toTable: fk.table,
        toColumn: fk.column.name,
        title,
        path: edgePath(from, columnY(from, column.name), to, columnY(to, fk.column.name)),
      });
    }
  }

  const width = Math.max(0, ...nodes.map((node) => node.x + node.width)) + m.margin;
  const height = Math.max(0, ...nodes.map((node) => node.y + node.height)) + m.margin;
  return { nodes, edges, width, height };
}

/** A curve from the source row's side to the target row's side (a loop on the right for a self-reference). */
function edgePath(from: ErdNode, fromY: number, to: ErdNode, toY: number): string {
  if (from === to) {
    const right = from.x + from.width;
    return `M ${right} ${fromY} C ${right + 60} ${fromY}, ${right + 60} ${toY}, ${right} ${toY}`;
  }
  const leftward = to.x + to.width <= from.x;
  const rightward = from.x + from.width <= to.x;
  if (leftward || rightward) {
    const startX = leftward ? from.x : from.x + from.width;
    const endX = leftward ? to.x + to.width : to.x;
    const bend = Math.max(40, Math.abs(endX - startX) / 2);
    const direction = leftward ? -1 : 1;
    return `M ${startX} ${fromY} C ${startX + direction * bend} ${fromY}, ${endX - direction * bend} ${toY}, ${endX} ${toY}`;
  }
  // Same layer: leave and arrive on the left side, bulging outwards.
  const bulge = 50;
  return `M ${from.x} ${fromY} C ${from.x - bulge} ${fromY}, ${to.x - bulge} ${toY}, ${to.x} ${toY}`;
}

/** Whether two nodes' boxes overlap (for tests). */
export function overlaps(a: ErdNode, b: ErdNode): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The scale and offset that fit the diagram into a viewport, never magnifying beyond 1. */
export function fitTransform(layout: { width: number; height: number }, viewport: { width: number; height: number }) {
  if (layout.width <= 0 || layout.height <= 0 || viewport.width <= 0 || viewport.height <= 0)
    return { scale: 1, x: 0, y: 0 };
  const scale = Math.min(1, viewport.width / layout.width, viewport.height / layout.height);
  return { scale, x: (viewport.width - layout.width * scale) / 2, y: (viewport.height - layout.height * scale) / 2 };
}
