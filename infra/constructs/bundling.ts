/**
 * How every function is bundled, in one place: the CDK construct passes it
 * to NodejsFunction, and the bundle benchmark and the bundle tests build
 * with the same settings. Minified ESM with the AWS SDK inside (not the
 * runtime's copy, whose version the project does not choose).
 */
export const BUNDLE_TARGET = "node24";

/** Some dependencies are CommonJS and call require(); ESM output needs one. */
export const REQUIRE_BANNER =
  "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

export const MAIN_FIELDS = ["module", "main"];

/** The same settings as esbuild build options. */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: BUNDLE_TARGET,
  minify: true,
  mainFields: MAIN_FIELDS,
  banner: { js: REQUIRE_BANNER },
} as const;
