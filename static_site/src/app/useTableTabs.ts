import { useCallback, useEffect, useState } from "react";
import { readPageParam, readTableParam, type StudioPage, urlWithPage, urlWithTable } from "./tableUrl";
import { readTabs, renameTab, writeTabs } from "./tabsStore";

interface TabsState {
  tabs: string[];
  active: string | null;
  page: StudioPage | null;
}

function fromLocation(current: TabsState): TabsState {
  const active = readTableParam(window.location.search);
  const page = readPageParam(window.location.search);
  if (active === null || current.tabs.includes(active)) return { ...current, active, page };
  return { tabs: [...current.tabs, active], active, page };
}

/**
 * The open tables as tabs (kept across a reload for the session), the active one and the page shown
 * (indexes, API keys) mirrored in the URL: back and forward move between them.
 */
export function useTableTabs() {
  const [state, setState] = useState<TabsState>(() =>
    fromLocation({ tabs: readTabs(window.sessionStorage), active: null, page: null }),
  );

  useEffect(() => writeTabs(window.sessionStorage, state.tabs), [state.tabs]);

  useEffect(() => {
    const onPopState = () => setState(fromLocation);
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  const go = useCallback((next: TabsState, replace = false) => {
    const href = urlWithPage(urlWithTable(window.location.href, next.active), next.page);
    if (href !== window.location.href) {
      if (replace) window.history.replaceState(null, "", href);
      else window.history.pushState(null, "", href);
    }
    setState(next);
  }, []);

  const open = useCallback(
    (table: string) =>
      go({ tabs: state.tabs.includes(table) ? state.tabs : [...state.tabs, table], active: table, page: null }),
    [go, state.tabs],
  );

  const close = useCallback(
    (table: string) => {
      const index = state.tabs.indexOf(table);
      const tabs = state.tabs.filter((name) => name !== table);
      // Closing the active tab activates its neighbour, as a browser does.
      const active = state.active === table ? (tabs[Math.min(index, tabs.length - 1)] ?? null) : state.active;
      go({ ...state, tabs, active });
    },
    [go, state],
  );

  /** A table renamed (`to`) or dropped (`to` null): its tab follows, without a new history entry. */
  const rename = useCallback(
    (from: string, to: string | null) => {
      const tabs = renameTab(state.tabs, from, to);
      const active = state.active === from ? (to ?? tabs[0] ?? null) : state.active;
      go({ ...state, tabs, active }, true);
    },
    [go, state],
  );

  const showPage = useCallback((page: StudioPage | null) => go({ ...state, page }), [go, state]);

  return { tabs: state.tabs, active: state.active, page: state.page, open, close, rename, showPage };
}
