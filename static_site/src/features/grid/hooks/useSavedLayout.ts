import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, type TableDocument } from "../../../shared/api";
import { createLastViewStore, pickView, useCanWriteViews, useViewMutations, useViews, type SavedView } from "../../views";
import { defaultLayout, fromViewConfig, toViewConfig, type GridLayout } from "../layout";

const AUTOSAVE_MS = 700;
const FIRST_VIEW_NAME = "Grid view";
const lastViews = createLastViewStore(window.sessionStorage);

export type SaveState = "idle" | "saving" | "saved" | "read-only" | "error";

/**
 * The grid's layout and the saved view it belongs to: opens the table's last view (or its first),
 * saves every change to it after a pause (the first change of a table without views creates one),
 * and offers the view menu's actions. A read-only key changes the layout locally and says so.
 */
export function useSavedLayout(table: TableDocument) {
  const { schema } = table;
  const views = useViews(table.name);
  const canWrite = useCanWriteViews();
  const { create, update, remove, markOpened } = useViewMutations(table.name);
  const gridViews = useMemo(() => (views.data ?? []).filter((view) => view.type === "grid"), [views.data]);

  const [currentId, setCurrentId] = useState<number | null>(null);
  const [layout, setLayoutState] = useState<GridLayout>(() => defaultLayout(schema));
  const [pending, setPending] = useState(false);
  const [saveState, setSaveState] = useState<SaveState>("idle");
  const [saveError, setSaveError] = useState<string | null>(null);
  const opened = useRef(false);
  const [ready, setReady] = useState(false);

  const { mutate: patchView } = update;
  const { mutate: createView } = create;
  // What an immediate save needs, current at any moment (a switch of view must not drop a pending change).
  const latest = useRef({ layout, pending, currentId, canWrite });
  latest.current = { layout, pending, currentId, canWrite };
  const flush = useCallback(() => {
    const { layout: unsaved, pending: waiting, currentId: id, canWrite: writable } = latest.current;
    if (!waiting || id === null || writable !== true) return;
    setPending(false);
    patchView({ id, change: { config: toViewConfig(unsaved) } });
  }, [patchView]);
  useEffect(() => flush, [flush]);

  const open = useCallback(
    (view: SavedView | null) => {
      flush();
      opened.current = true;
      setReady(true);
      setCurrentId(view?.id ?? null);
      setLayoutState(view === null ? defaultLayout(schema) : fromViewConfig(view.config, schema));
      setPending(false);
      lastViews.write(table.name, view?.id ?? null);
      if (view !== null) markOpened(view.id);
    },
    [schema, table.name, flush, markOpened],
  );

  useEffect(() => {
    // Without the views (the route failed), the grid still opens, with the default layout.
    if ((views.data !== undefined || views.isError) && !opened.current) open(pickView(gridViews, lastViews.read(table.name)));
  }, [views.data, views.isError, gridViews, open, table.name]);

  const setLayout = useCallback((change: (layout: GridLayout) => GridLayout) => {
    setLayoutState(change);
    setPending(true);
  }, []);

  const failed = useCallback((error: Error) => {
    if (error instanceof ApiError && error.status === 403) setSaveState("read-only");
    else {
      setSaveState("error");
      setSaveError(error.message);
    }
  }, []);

  // Autosave: once the layout has been still for a moment, PATCH the view (or create the first one).
  useEffect(() => {
    if (!pending || canWrite === undefined || !opened.current || create.isPending) return;
    if (!canWrite) {
      setSaveState("read-only");
      return;
    }
    const timer = setTimeout(() => {
      setPending(false);
      setSaveState("saving");
      const config = toViewConfig(layout);
      const done = { onSuccess: () => setSaveState("saved"), onError: failed };
      if (currentId !== null) patchView({ id: currentId, change: { config } }, done);
      else
        createView(
          { name: FIRST_VIEW_NAME, type: "grid", config },
          { ...done, onSuccess: (view) => (setCurrentId(view.id), lastViews.write(table.name, view.id), setSaveState("saved")) },
        );
    }, AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [pending, canWrite, layout, currentId, create.isPending, createView, patchView, failed, table.name]);

  const current = gridViews.find((view) => view.id === currentId) ?? null;
  const createNamed = (name: string, config = toViewConfig(layout)) =>
    createView({ name, type: "grid", config }, { onSuccess: open, onError: failed });

  const actions = {
    onSelect: open,
    onCreate: (name: string) => createNamed(name),
    onRename: (name: string) => {
      if (currentId !== null) update.mutate({ id: currentId, change: { name } }, { onError: failed });
    },
    onDuplicate: () => createNamed(`${current?.name ?? FIRST_VIEW_NAME} copy`),
    onDelete: () => {
      if (currentId === null) return;
      remove.mutate(currentId, {
        onSuccess: () => open(gridViews.find((view) => view.id !== currentId) ?? null),
        onError: failed,
      });
    },
  };

  return {
    layout,
    setLayout,
    views: gridViews,
    current,
    canWrite: canWrite !== false && saveState !== "read-only",
    ready,
    viewsError: views.error,
    saveState,
    saveError,
    actions,
  };
}

export type SavedLayout = ReturnType<typeof useSavedLayout>;
