import { useCallback, useEffect, useState } from "react";
import { readTableParam, urlWithTable } from "./tableUrl";

interface TabsState {
  tabs: string[];
  active: string | null;
}

function fromLocation(current: TabsState): TabsState {
  const active = readTableParam(window.location.search);
  if (active === null || current.tabs.includes(active)) return { ...current, active };
  return { tabs: [...current.tabs, active], active };
}

/** The open tables as tabs, the active one mirrored in the URL (back and forward move between them). */
export function useTableTabs() {
  const [state, setState] = useState<TabsState>(() => fromLocation({ tabs: [], active: null }));

  useEffect(() => {
    const onPopState = () => setState(fromLocation);
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  const activate = useCallback((table: string | null, tabs: string[]) => {
    if (readTableParam(window.location.search) !== table) {
      window.history.pushState(null, "", urlWithTable(window.location.href, table));
    }
    setState({ tabs, active: table });
  }, []);

  const open = useCallback(
    (table: string) => activate(table, state.tabs.includes(table) ? state.tabs : [...state.tabs, table]),
    [activate, state.tabs],
  );

  const close = useCallback(
    (table: string) => {
      const index = state.tabs.indexOf(table);
      const tabs = state.tabs.filter((name) => name !== table);
      // Closing the active tab activates its neighbour, as a browser does.
      const active = state.active === table ? (tabs[Math.min(index, tabs.length - 1)] ?? null) : state.active;
      activate(active, tabs);
    },
    [activate, state],
  );

  return { tabs: state.tabs, active: state.active, open, close };
}
