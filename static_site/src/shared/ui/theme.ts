/**
 * Light and dark mode. The choice ("system", "light" or "dark") is kept in localStorage; "system" follows
 * `prefers-color-scheme`. The resolved theme is set on <html data-theme>, which studio.css reads.
 */
export type ThemeChoice = "system" | "light" | "dark";
export type ResolvedTheme = "light" | "dark";

export const THEME_CHOICES: readonly ThemeChoice[] = ["system", "light", "dark"];
const STORAGE_KEY = "polarbase.theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";

/** What the studio shows for a choice, given whether the system asks for dark colors. */
export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): ResolvedTheme {
  if (choice === "system") return systemPrefersDark ? "dark" : "light";
  return choice;
}

/** The toggle cycles System → Light → Dark → System. */
export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return THEME_CHOICES[(THEME_CHOICES.indexOf(choice) + 1) % THEME_CHOICES.length] ?? "system";
}

export function themeChoiceLabel(choice: ThemeChoice): string {
  return choice === "system" ? "System" : choice === "light" ? "Light" : "Dark";
}

export function parseThemeChoice(stored: string | null | undefined): ThemeChoice {
  return THEME_CHOICES.find((choice) => choice === stored) ?? "system";
}

type StorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function readThemeChoice(storage: StorageLike | undefined): ThemeChoice {
  try {
    return parseThemeChoice(storage?.getItem(STORAGE_KEY));
  } catch {
    return "system";
  }
}

export function writeThemeChoice(storage: StorageLike | undefined, choice: ThemeChoice): void {
  try {
    if (choice === "system") storage?.removeItem(STORAGE_KEY);
    else storage?.setItem(STORAGE_KEY, choice);
  } catch {
    // Storage can be disabled; the choice then lasts for the page.
  }
}

// --- The one store of the page: the choice, the system's preference and who listens. ---

export interface ThemeState {
  choice: ThemeChoice;
  resolved: ResolvedTheme;
}

const browser = typeof window !== "undefined" && typeof document !== "undefined";
const media = browser && typeof window.matchMedia === "function" ? window.matchMedia(DARK_QUERY) : null;
let state: ThemeState = (() => {
  const choice = readThemeChoice(browser ? window.localStorage : undefined);
  return { choice, resolved: resolveTheme(choice, media?.matches ?? false) };
})();
const listeners = new Set<() => void>();

function apply(): void {
  if (!browser) return;
  document.documentElement.dataset.theme = state.resolved;
  document.documentElement.style.colorScheme = state.resolved;
}

function update(choice: ThemeChoice): void {
  const resolved = resolveTheme(choice, media?.matches ?? false);
  if (choice === state.choice && resolved === state.resolved) return;
  state = { choice, resolved };
  apply();
  for (const listener of listeners) listener();
}

apply();
media?.addEventListener?.("change", () => update(state.choice));

export function themeState(): ThemeState {
  return state;
}

export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setThemeChoice(choice: ThemeChoice): void {
  if (browser) writeThemeChoice(window.localStorage, choice);
  update(choice);
}
