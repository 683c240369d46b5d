/**
 * The layer rule (docs/layers.md), checked by `npm run lint:deps` within
 * `npm test`. From the bottom up: resources/ (names and sizes of what the
 * deployment is made of), shared/ (domain and use cases, with the adapters
 * in shared/adapters/), then the roots that wire them: functions/, infra/,
 * cli/, bench/, and test/ on top of everything.
 */

/** Folders that hold the project's own modules, as dependency-cruiser names them. */
const PROJECT = "^(resources|shared|functions|infra|cli|bench|test)/";

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment:
        "A cycle has no bottom: neither end can be read, tested or bundled without the other.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "resolvable",
      comment:
        "Every import must resolve; an import the cruiser cannot follow would slip past every other rule.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "resources-is-the-bottom",
      comment:
        "resources/ is plain data that infra/ and shared/ both read, so it may import nothing, not even a package.",
      severity: "error",
      from: { path: "^resources/" },
      to: { pathNot: "^resources/" },
    },
    {
      name: "shared-never-imports-upward",
      comment:
        "shared/ runs inside every function bundle and in the CLI: it must not pull in the CDK app, the local stack, handlers, tools or tests.",
      severity: "error",
      from: { path: "^shared/" },
      to: { path: "^(infra|functions|cli|bench|test)/" },
    },
    {
      name: "use-cases-take-ports",
      comment:
        "Domain and use-case modules declare ports; the concrete adapters are chosen in functions/ (or its wiring/), never in shared/.",
      severity: "error",
      from: { path: "^shared/", pathNot: "^shared/adapters/" },
      to: { path: "^shared/adapters/" },
    },
    {
      name: "functions-stay-out-of-the-deployment",
      comment:
        "Handlers are bundled for Lambda: the CDK app, the local stack and the tools must not end up in a bundle.",
      severity: "error",
      from: { path: "^functions/" },
      to: { path: "^(infra|cli|bench|test)/" },
    },
    {
      name: "cdk-does-not-load-handlers",
      comment:
        "The stacks name handler files by path and let the bundler read them; only the local stack, which runs handlers, imports them.",
      severity: "error",
      from: { path: "^infra/", pathNot: "^infra/local/" },
      to: { path: "^functions/" },
    },
    {
      name: "only-tests-import-tests",
      comment:
        "test/ sits on top. The one exception is the example incident, which the README and the pipeline benchmark use as data.",
      severity: "error",
      from: { path: PROJECT, pathNot: "^test/" },
      to: { path: "^test/", pathNot: "^test/fixtures/example-incident\\.json$" },
    },
  ],
  options: {
    // TypeScript 7 has no compiler API for the cruiser to use; swc parses
    // TypeScript, type-only imports included.
    parser: "swc",
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(cdk\\.out|\\.data)/" },
    enhancedResolveOptions: {
      // Subpath exports (`@aws-lambda-powertools/logger/middleware`) and the
      // package's own `#shared/*` imports resolve as Node and esbuild resolve them.
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "types", "default"],
      mainFields: ["module", "main", "types", "typings"],
      // `.d.ts` for packages that are types only (`aws-lambda`).
      extensions: [".ts", ".d.ts", ".mjs", ".js", ".json"],
    },
  },
};
