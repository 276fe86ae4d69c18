/**
 * The view to open: the one this browser opened last when it still exists, else the one opened
 * last anywhere (the server's `openedAt`), else the table's first.
 */
export function pickView<V extends { id: number; openedAt?: string | null }>(
  views: readonly V[],
  lastId: number | null,
): V | null {
  return views.find((view) => view.id === lastId) ?? latestOpened(views) ?? views[0] ?? null;
}

/** The view opened most recently by any client, if any was. */
export function latestOpened<V extends { openedAt?: string | null }>(views: readonly V[]): V | null {
  let latest: V | null = null;
  for (const view of views) {
    if (view.openedAt && (latest === null || view.openedAt > (latest.openedAt ?? ""))) latest = view;
  }
  return latest;
}
