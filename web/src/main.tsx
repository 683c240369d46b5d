// First: the schema modules below must be built without eval (see the module).
import "./zod-jitless.ts";
import { render } from "preact";
import { App } from "./app.tsx";
import { authFor } from "./auth.ts";
import { loadConfig } from "./config.ts";
import "./styles.css";

const root = document.getElementById("app")!;

const start = async () => {
  const config = await loadConfig();
  const auth = authFor(config);
  const session = await auth.session().catch(() => undefined);
  // Preact would reuse the placeholder's <main> below the new header, which
  // moves it down: a layout shift. New nodes do not shift.
  root.replaceChildren();
  render(<App config={config} auth={auth} initial={session} />, root);
};

start().catch(() => {
  root.innerHTML =
    "<main><h1>Cannot start</h1><p>The app could not load its settings. Connect once and reload.</p></main>";
});

// The service worker precaches the shell; after one visit the app opens offline.
if ("serviceWorker" in navigator) {
  addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
  });
}
