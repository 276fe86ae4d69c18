import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    // The grid (Glide Data Grid and its peers) is a chunk of its own, loaded after sign-in.
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      onwarn(warning, warn) {
        // Glide's published ESM places /*#__PURE__*/ where Rollup ignores it: harmless, and not ours to fix.
        if (warning.code === "INVALID_ANNOTATION" && warning.id?.includes("glide-data-grid")) return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run dev` against a local `polarbase serve` on its default port.
    proxy: Object.fromEntries(
      ["/rest", "/auth", "/api-keys", "/health", "/realtime"].map((path) => [path, "http://127.0.0.1:3000"]),
    ),
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
