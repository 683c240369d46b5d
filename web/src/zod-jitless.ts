import { config } from "zod";

/**
 * Zod compiles parsers with `new Function` when eval is allowed, and probes
 * for it as each object schema is built. The app's CSP forbids eval, and even
 * the caught probe is reported as a violation, so this runs before any
 * schema module: main.tsx imports it first.
 */
config({ jitless: true });
