import type { Theme } from "@glideapps/glide-data-grid";
import { useSyncExternalStore } from "react";
import {
  nextThemeChoice,
  setThemeChoice,
  subscribeTheme,
  type ThemeState,
  themeChoiceLabel,
  themeState,
} from "./theme";

/** The theme choice and what it resolves to, re-rendering on a change (the toggle, or the system's setting). */
export function useTheme(): ThemeState {
  return useSyncExternalStore(subscribeTheme, themeState, themeState);
}

/** Glide Data Grid's colors for dark mode (the grid keeps its own defaults in light mode). */
export const DARK_GRID_THEME: Partial<Theme> = {
  accentColor: "#6b9bff",
  accentFg: "#0f1419",
  accentLight: "rgba(107, 155, 255, 0.22)",
  textDark: "#e6e9ee",
  textMedium: "#b4bcc7",
  textLight: "#8b95a3",
  textBubble: "#e6e9ee",
  bgIconHeader: "#b4bcc7",
  fgIconHeader: "#15191f",
  textHeader: "#c9d0d9",
  textGroupHeader: "#c9d0d9",
  textHeaderSelected: "#0f1419",
  bgCell: "#15191f",
  bgCellMedium: "#1b2028",
  bgHeader: "#1f252e",
  bgHeaderHasFocus: "#2b323d",
  bgHeaderHovered: "#29303a",
  bgBubble: "#2b323d",
  bgBubbleSelected: "#3a4350",
  bgSearchResult: "#4a4020",
  borderColor: "rgba(200, 210, 225, 0.16)",
  horizontalBorderColor: "rgba(200, 210, 225, 0.12)",
  drilldownBorder: "rgba(200, 210, 225, 0.35)",
  linkColor: "#8fb3ff",
};

const LIGHT_GRID_THEME: Partial<Theme> = {};

/** The `theme` prop for Glide's DataEditor: dark colors in dark mode, the grid's defaults otherwise. */
export function useGridTheme(): Partial<Theme> {
  return useTheme().resolved === "dark" ? DARK_GRID_THEME : LIGHT_GRID_THEME;
}

/** The top bar's toggle: System → Light → Dark, kept in localStorage. */
export function ThemeToggle() {
  const { choice, resolved } = useTheme();
  const next = nextThemeChoice(choice);
  return (
    <button
      type="button"
      className="theme-toggle"
      title={`Theme: ${themeChoiceLabel(choice)}${choice === "system" ? ` (${resolved})` : ""}. Click for ${themeChoiceLabel(next)}.`}
      onClick={() => setThemeChoice(next)}
    >
      Theme: {themeChoiceLabel(choice)}
    </button>
  );
}
