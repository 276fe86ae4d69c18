import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, type Column } from "../../shared/api";
import { type SavedView, useCanWriteViews, useViewMutations, useViews } from "./api/viewQueries";
import type { ViewMenuProps } from "./components/ViewMenu";
import { createKindStore, KIND_LABELS, type ViewKind } from "./kinds";
import { pickView } from "./lastView";

const AUTOSAVE_MS = 700;
// In localStorage: the kind and view come back after a reload, and in a new tab of this browser.
/** This browser's choices; `localStorage` is looked up when used, so importing this module touches nothing. */
export const kindStore = createKindStore({
  getItem: (key) => window.localStorage.getItem(key),
  setItem: (key, value) => window.localStorage.setItem(key, value),
  removeItem: (key) => window.localStorage.removeItem(key),
});

export type SaveState = "idle" | "saving" | "saved" | "read-only" | "error";

export const SAVE_TEXT: Record<SaveState, string> = {
  idle: "",
  saving: "Saving layout…",
  saved: "Layout saved",
  "read-only": "Read-only key: layout not saved",
  error: "Layout not saved",
};

export interface LayoutCodec<C> {
  read: (config: unknown, schema: readonly Column[]) => C;
  write: (layout: C) => Record<string, unknown>;
}

/**
 * One kind of view's layout and the saved view (`/rest/views`, `type` = the kind) it belongs to: the
 * last one opened (or the first), every change saved after a pause (the first change of a table
 * without such a view creates one), and the view menu's actions ("New view" starts from the
 * kind's default layout, "Duplicate view" from the current one).
 */
export function useViewLayout<C>(table: string, schema: readonly Column[], kind: ViewKind, codec: LayoutCodec<C>) {
  const views = useViews(table);
  const canWrite = useCanWriteViews();
  const { create, update, remove, markOpened } = useViewMutations(table);
  const ofKind = useMemo(() => (views.data ?? []).filter((view) => view.type === kind), [views.data, kind]);
  const firstName = `${KIND_LABELS[kind]} view`;

  const [currentId, setCurrentId] = useState<number | null>(null);
  const [layout, setLayoutState] = useState<C>(() => codec.read({}, schema));
  const [pending, setPending] = useState(false);
  const [saveState, setSaveState] = useState<SaveState>("idle");
  const [saveError, setSaveError] = useState<string | null>(null);
  const opened = useRef(false);
  const [ready, setReady] = useState(false);

  const { mutate: patchView } = update;
  const { mutate: createView } = create;
  const latest = useRef({ layout, pending, currentId, canWrite });
  latest.current = { layout, pending, currentId, canWrite };
  const flush = useCallback(() => {
    const { layout: unsaved, pending: waiting, currentId: id, canWrite: writable } = latest.current;
    if (!waiting || id === null || writable !== true) return;
    setPending(false);
    patchView({ id, change: { config: codec.write(unsaved) } });
  }, [patchView, codec]);
  useEffect(() => flush, [flush]);

  const open = useCallback(
    (view: SavedView | null) => {
      flush();
      opened.current = true;
      setReady(true);
      setCurrentId(view?.id ?? null);
      setLayoutState(codec.read(view?.config ?? {}, schema));
      setPending(false);
      kindStore.writeId(table, kind, view?.id ?? null);
      if (view !== null) markOpened(view.id);
    },
    [schema, table, kind, flush, codec, markOpened],
  );

  useEffect(() => {
    if ((views.data !== undefined || views.isError) && !opened.current) {
      open(pickView(ofKind, kindStore.readId(table, kind)));
    }
  }, [views.data, views.isError, ofKind, open, table, kind]);

  const setLayout = useCallback((change: (layout: C) => C) => {
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

  useEffect(() => {
    if (!pending || canWrite === undefined || !opened.current || create.isPending) return;
    if (!canWrite) {
      setSaveState("read-only");
      return;
    }
    const timer = setTimeout(() => {
      setPending(false);
      setSaveState("saving");
      const config = codec.write(layout);
      const done = { onSuccess: () => setSaveState("saved"), onError: failed };
      if (currentId !== null) patchView({ id: currentId, change: { config } }, done);
      else
        createView(
          { name: firstName, type: kind, config },
          {
            ...done,
            onSuccess: (view) => {
              setCurrentId(view.id);
              kindStore.writeId(table, kind, view.id);
              setSaveState("saved");
            },
          },
        );
    }, AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [
    pending,
    canWrite,
    layout,
    currentId,
    create.isPending,
    createView,
    patchView,
    failed,
    table,
    kind,
    firstName,
    codec,
  ]);

  const current = ofKind.find((view) => view.id === currentId) ?? null;
  const createNamed = (name: string, config = codec.write(layout)) =>
    createView({ name, type: kind, config }, { onSuccess: open, onError: failed });

  const actions = {
    onSelect: open,
    onCreate: (name: string) => createNamed(name, codec.write(codec.read({}, schema))),
    onRename: (name: string) => {
      if (currentId !== null) update.mutate({ id: currentId, change: { name } }, { onError: failed });
    },
    onDuplicate: () => createNamed(`${current?.name ?? firstName} copy`),
    onDelete: () => {
      if (currentId === null) return;
      remove.mutate(currentId, {
        onSuccess: () => open(ofKind.find((view) => view.id !== currentId) ?? null),
        onError: failed,
      });
    },
  };

  return {
    layout,
    setLayout,
    views: ofKind,
    current,
    canWrite: canWrite !== false && saveState !== "read-only",
    ready,
    viewsError: views.error,
    saveState,
    saveError,
    actions,
  };
}

export type ViewLayout<C> = ReturnType<typeof useViewLayout<C>>;

/** What a saved-views menu shows and does, from a view's layout. */
export function viewMenuProps(
  saved: Pick<ViewLayout<unknown>, "views" | "current" | "canWrite" | "actions">,
): ViewMenuProps {
  return { views: saved.views, current: saved.current, canWrite: saved.canWrite, ...saved.actions };
}
