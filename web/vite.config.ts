import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import { BROWSER_ALIASES } from "../shared/csv.ts";
import { reportStyles } from "./report-styles.ts";

/**
 * The officers' and district staff's web app (contracts section 7). Built
 * into web/dist, which the local stack and CloudFront serve at `/`.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  publicDir: "public",
  // The CSV reader and writer the server uses, in their browser builds (shared/csv.ts).
  resolve: { alias: BROWSER_ALIASES },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Source maps would ship the narrative-handling code's comments to every phone for nothing.
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
  plugins: [
    preact(),
    reportStyles(),
    VitePWA({
      // Registered by the app itself (no inline script under the CSP).
      injectRegister: false,
      registerType: "autoUpdate",
      includeManifestIcons: false,
      manifest: {
        name: "SRO incident reports",
        short_name: "SRO reports",
        description: "School Resource Officer incident reporting",
        start_url: "/",
        scope: "/",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#1d3a5f",
        icons: [{ src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" }],
      },
      workbox: {
        // Minified whatever NODE_ENV the build inherits (the tests run it under vitest's "test").
        mode: "production",
        // The app shell only: every API path is left to the network.
        globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"],
        navigateFallback: null,
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [
          {
            // The one runtime file the app needs offline; the network wins when there is one.
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname === "/config.json",
            handler: "NetworkFirst",
            options: { cacheName: "sro-config", networkTimeoutSeconds: 3 },
          },
        ],
      },
    }),
  ],
});
