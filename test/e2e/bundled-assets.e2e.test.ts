import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { App } from "aws-cdk-lib";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localFunction } from "../../infra/local/lambda-runtime.ts";
import {
  FUNCTIONS,
  type FunctionKey,
  QUEUES,
  SETTINGS,
  visibilityTimeoutSeconds,
} from "../../resources/declarations.ts";
import { schoolYearOf } from "../../shared/report/schedule.ts";
import { calendarDate } from "../../shared/time/zoned.ts";
import {
  getIncident,
  getJson,
  newIncident,
  postIncident,
  startTestStack,
  tokenFor,
  waitUntilRedacted,
} from "../support/local-stack.ts";

/**
 * The files AWS runs, not the TypeScript behind them: the real CDK app is
 * synthesized with bundling on, each function's asset is taken out of the
 * cloud assembly as the template names it, and one request per function is
 * driven through those exact files on the local stack. A bundle that loads
 * a module at run time that esbuild left out, lacks its entry file or
 * exports the wrong name fails here rather than in a district's account.
 *
 * Checked by hand as well: renaming `export{... as handler}` to
 * `nothandler` in the synthesized intake bundle, or adding a top-level
 * `require(["csv","parse"].join("-"))` after its banner, makes the POST
 * answer 500 and this test fail there.
 */

process.env.SRO_CDK_NO_AUTO_SYNTH = "1";
const { buildApp, FEATURE_CONTEXT } = await import("../../infra/app.ts");

/**
 * The file and export Lambda's Node.js runtime takes from a handler
 * setting such as `index.handler`: the module is found by trying these
 * extensions in this order, at the asset's root.
 */
const lambdaEntry = (assetDir: string, handlerSetting: string) => {
  const dot = handlerSetting.lastIndexOf(".");
  const moduleName = handlerSetting.slice(0, dot);
  const exportName = handlerSetting.slice(dot + 1);
  const file = [".js", ".mjs", ".cjs"]
    .map((extension) => join(assetDir, `${moduleName}${extension}`))
    .find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`Runtime.ImportModuleError: no ${moduleName} module in the asset`);
  return { file, exportName };
};

type TemplateResource = {
  Type: string;
  Metadata?: Record<string, unknown>;
  Properties: Record<string, any>;
};

describe("the synthesized bundles, one request each on the local stack", () => {
  // Outside the project on purpose: a bundle that require()s a package at
  // run time would find the project's node_modules from inside it, and pass.
  let outdir = "";
  const bundles = {} as Record<FunctionKey, string>;
  const savedEnv: Record<string, string | undefined> = {};
  let stack: Awaited<ReturnType<typeof startTestStack>> | undefined;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), "sro-cdk-out-"));
    const cdkJson = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8"));
    const app = new App({
      outdir,
      context: {
        ...cdkJson.context,
        ...FEATURE_CONTEXT,
        // What the CLI sets: the template then names each resource's asset folder.
        "aws:cdk:enable-asset-metadata": true,
      },
    });
    const { pipeline } = buildApp(app);
    const assembly = app.synth();
    const artifact = assembly.getStackByName(pipeline.stackName);
    const resources = artifact.template.Resources as Record<string, TemplateResource>;
    const assetManifest = JSON.parse(
      readFileSync(join(outdir, `${pipeline.stackName}.assets.json`), "utf8"),
    ) as { files: Record<string, { source: { path: string; packaging: string } }> };

    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      const logicalId = pipeline.resolve(
        (pipeline.functions[key].node.defaultChild as CfnFunction).logicalId,
      ) as string;
      const resource = resources[logicalId]!;
      const assetPath = String(resource.Metadata?.["aws:asset:path"]);
      // The folder found is the one uploaded as this function's code.
      const hash = String(resource.Properties.Code.S3Key).replace(/\.zip$/, "");
      expect(assetManifest.files[hash]?.source).toEqual({
        path: assetPath,
        packaging: "zip",
      });
      const { file, exportName } = lambdaEntry(
        join(outdir, assetPath),
        resource.Properties.Handler,
      );
      // The local containers call `handler`, as the template tells Lambda to.
      expect(exportName).toBe("handler");
      bundles[key] = pathToFileURL(file).href;
    }

    // The settings every function is deployed with, as the synth wrote them.
    const deployed = resources[
      pipeline.resolve(
        (pipeline.functions.scheduledReports.node.defaultChild as CfnFunction).logicalId,
      ) as string
    ]!.Properties.Environment.Variables as Record<string, unknown>;
    for (const name of [SETTINGS.timeZone, SETTINGS.auditRetentionDays, SETTINGS.reportDefaults]) {
      savedEnv[name] = process.env[name];
      process.env[name] = String(deployed[name]);
    }

    // The deployed visibility timeout, not the tests' short one: a cold
    // start on a busy machine must not send the message round again.
    stack = await startTestStack({
      handlerModules: bundles,
      visibilityTimeoutSeconds: visibilityTimeoutSeconds(QUEUES.intake),
    });
    // The synth bundles every function and also builds the web app with Vite.
  }, 240_000);

  afterAll(async () => {
    await stack?.dispose();
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it("maps every declared function to an index.mjs in its own asset folder", () => {
    const files = Object.values(bundles);
    expect(files).toHaveLength(Object.keys(FUNCTIONS).length);
    expect(new Set(files).size).toBe(files.length);
    for (const file of files) expect(file).toMatch(/\/asset\.[0-9a-f]{64}\/index\.mjs$/);
  });

  it("answers one real request through each bundle", async () => {
    const s = stack!;
    const author = await tokenFor(s, "sro", "officer-bundled");
    const analyst = await tokenFor(s, "district_analyst", "analyst-bundled");
    const custodian = await tokenFor(s, "records_custodian", "custodian-bundled");
    const asAnalyst = { authorization: `Bearer ${analyst}` };

    // intake, then store and redact from the queues, then readIncident.
    const incident = newIncident();
    expect((await postIncident(s, author, incident)).status).toBe(202);
    await waitUntilRedacted(s, incident.incidentId);

    // readIncident hands the author's read to readRestrictedIncident.
    const own = await getIncident(s, author, incident.incidentId);
    expect(own.status).toBe(200);
    expect(own.json.view).toBe("full");

    // correctIncident: a correction, queued through store and redact again.
    const corrected = structuredClone(incident);
    corrected.students[0].grade = "11";
    const correction = await fetch(`${s.url}/incidents/${incident.incidentId}/corrections`, {
      method: "POST",
      headers: { authorization: `Bearer ${author}`, "content-type": "application/json" },
      body: JSON.stringify({
        correctionId: crypto.randomUUID(),
        baseVersion: 1,
        reason: "wrong grade",
        incident: corrected,
      }),
    });
    expect(correction.status).toBe(202);

    // listMyIncidents: the officer's own reports, from the intake receipts.
    const mine = await getJson(s, author, "/me/incidents");
    expect(mine.status).toBe(200);
    expect(mine.json.items.map((item: any) => item.incidentId)).toContain(
      incident.incidentId.toLowerCase(),
    );
    // readIncident hands the versions read and the custodian's search on as
    // well; the search loads its modules on first use, inside the bundle.
    const versions = await getJson(s, author, `/incidents/${incident.incidentId}/versions`);
    expect(versions.status).toBe(200);
    const search = await getJson(s, custodian, "/custodian/incidents?localId=S3000123", {
      "x-access-reason": "bundle check",
    });
    expect(search.status).toBe(200);

    const list = await getJson(s, analyst, "/incidents");
    expect(list.status).toBe(200);
    expect(list.json.items.map((item: any) => item.incidentId)).toContain(incident.incidentId);

    const audit = await getJson(s, custodian, "/audit");
    expect(audit.status).toBe(200);
    expect(audit.json.items.length).toBeGreaterThan(0);

    // recordActivity, listActivities, deleteActivity.
    const activityId = crypto.randomUUID();
    const asAuthor = { authorization: `Bearer ${author}` };
    const recorded = await fetch(`${s.url}/activities`, {
      method: "POST",
      headers: { ...asAuthor, "content-type": "application/json" },
      body: JSON.stringify({
        activityId,
        schoolId: incident.schoolId,
        date: "2025-11-04",
        type: "parent_education",
        minutes: 60,
      }),
    });
    expect(recorded.status).toBe(202);
    const activities = await getJson(s, analyst, "/activities");
    expect(activities.status).toBe(200);
    expect(activities.json.items.map((item: any) => item.activityId)).toContain(activityId);
    const deleted = await fetch(`${s.url}/activities/${activityId}`, {
      method: "DELETE",
      headers: asAuthor,
    });
    expect(deleted.status).toBe(204);

    const openapi = await fetch(`${s.url}/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\./);

    // The example's year for the report below, and this year's for the
    // schedule, whose school-year-to-date report needs one.
    const example = readFileSync(
      new URL("../fixtures/example-enrollment.csv", import.meta.url),
      "utf8",
    );
    const thisYear = schoolYearOf(calendarDate(new Date(), process.env[SETTINGS.timeZone]!));
    for (const year of new Set(["2025-26", thisYear])) {
      const enrollment = await fetch(`${s.url}/enrollment/${year}`, {
        method: "PUT",
        headers: { ...asAnalyst, "content-type": "text/csv" },
        body: example.replaceAll("2025-26,", `${year},`),
      });
      expect(enrollment.status, year).toBe(200);
    }

    const created = await fetch(`${s.url}/reports`, {
      method: "POST",
      headers: { ...asAnalyst, "content-type": "application/json" },
      body: JSON.stringify({ schoolYear: "2025-26" }),
    });
    expect(created.status).toBe(201);
    const { reportId } = (await created.json()) as { reportId: string };

    // exportIncidents: the year's redacted current versions and the instant they count.
    const exported = await fetch(`${s.url}/exports/incidents?schoolYear=2025-26`, {
      headers: asAnalyst,
    });
    expect(exported.status).toBe(200);
    expect(exported.headers.get("x-as-of")).toMatch(/^\d{4}-/);
    await exported.text();

    const reports = await getJson(s, analyst, "/reports");
    expect(reports.status).toBe(200);
    expect(reports.json.items.map((item: any) => item.reportId)).toContain(reportId);

    for (const [format, type] of [
      ["json", "application/json"],
      ["csv", "text/csv"],
      ["html", "text/html"],
    ] as const) {
      const file = await fetch(`${s.url}/reports/${reportId}?format=${format}`, {
        headers: asAnalyst,
      });
      expect(file.status, format).toBe(200);
      expect(file.headers.get("content-type"), format).toContain(type);
      await file.arrayBuffer();
    }

    await s.runReportSchedule();
    const scheduled = await getJson(s, custodian, "/audit?user=scheduler&limit=200");
    expect(scheduled.status).toBe(200);
    const outcomes = scheduled.json.items.map((item: any) => `${item.target} ${item.outcome}`);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.filter((outcome: string) => outcome.endsWith(" failed"))).toEqual([]);

    // Each function loaded its bundle and answered without throwing: a
    // stack running the TypeScript sources reports other module URLs.
    const stats = s.functionStats();
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      expect(stats[key], key).toMatchObject({
        moduleUrl: bundles[key],
        coldStarts: expect.any(Number),
        errors: 0,
      });
      expect(stats[key]!.coldStarts, key).toBeGreaterThan(0);
      expect(stats[key]!.results, key).toBeGreaterThan(0);
    }
  });
});

/**
 * The mistakes the test above is there to catch, each in a tiny asset of
 * its own: the same lookup and the same containers, so a broken bundle is
 * known to fail rather than assumed to.
 */
describe("a broken bundle", () => {
  // Made in a hook, so a run that filters these tests out leaves no folder.
  let root = "";
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "sro-broken-asset-"));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const asset = (name: string, source: string) => {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, "index.mjs"), source);
    return pathToFileURL(lambdaEntry(dir, "index.handler").file).href;
  };
  const invoke = async (moduleUrl: string) => {
    const fn = localFunction({
      functionName: "broken",
      moduleUrl,
      timeoutSeconds: 20,
      memoryMb: 256,
    });
    try {
      return await fn.invoke({}, undefined);
    } finally {
      await fn.stop();
    }
  };
  const banner =
    "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

  it("without its entry file is not found", () => {
    const dir = join(root, "empty");
    mkdirSync(dir);
    writeFileSync(join(dir, "index.mjs.map"), "{}");
    expect(() => lambdaEntry(dir, "index.handler")).toThrow(/ImportModuleError/);
  });

  it("exporting the wrong name fails its invocation", async () => {
    await expect(
      invoke(asset("wrong-export", "export const nothandler = async () => ({});")),
    ).rejects.toMatchObject({ name: "Runtime.InitError" });
  });

  it("requiring a package it does not hold fails its invocation", async () => {
    const source = `${banner}const parse = require(["csv", "parse"].join("-"));export const handler = async () => typeof parse;`;
    await expect(invoke(asset("dynamic-require", source))).rejects.toMatchObject({
      name: "Runtime.InitError",
    });
  });

  it("whose handler requires a package at run time fails that invocation", async () => {
    const source = `${banner}export const handler = async (event) => require(["csv", "parse"].join("-")) && event;`;
    await expect(invoke(asset("lazy-require", source))).rejects.toMatchObject({
      message: expect.stringContaining("Cannot find module"),
    });
  });

  it("that is whole runs (the control)", async () => {
    expect(await invoke(asset("whole", `${banner}export const handler = async () => "ran";`))).toBe(
      "ran",
    );
  });
});
