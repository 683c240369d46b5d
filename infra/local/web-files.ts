import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { ROLES, type Role } from "../../shared/auth/claims.ts";
import { appContentSecurityPolicy } from "../web-headers.ts";
import type { DevIssuer } from "./dev-issuer.ts";

/**
 * The web app on the local stack, at `/` of the API's origin as CloudFront
 * serves it in AWS: the built files of web/dist, `/config.json`, and the
 * local-only sign-in (`/local/sign-in`, its script, `POST /local/token`),
 * which the deployed stack does not have. Every answer carries the headers
 * agreed for the app (docs/web-app.md); HSTS is CloudFront's, over TLS.
 */

export const WEB_DIST = resolve(import.meta.dirname, "../../web/dist");
const SIGN_IN_DIR = resolve(import.meta.dirname, "sign-in");

export const APP_HEADERS: Readonly<Record<string, string>> = {
  // The same policy as CloudFront's, which adds the Cognito origins.
  "content-security-policy": appContentSecurityPolicy(),
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

export interface WebResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** Paths of the app; everything else is the API's. `/` and the app's files never name an API route. */
const isAppPath = (path: string) =>
  path === "/" ||
  path === "/index.html" ||
  path === "/sw.js" ||
  path === "/manifest.webmanifest" ||
  path === "/config.json" ||
  path.startsWith("/assets/") ||
  path.startsWith("/local/") ||
  /^\/(workbox-[\w-]+\.js|icon[\w.-]*\.(svg|png)|favicon\.ico|robots\.txt)$/.test(path);

const answer = (
  status: number,
  body: Buffer | string,
  type: string,
  extra: Record<string, string> = {},
): WebResult => ({
  status,
  headers: { ...APP_HEADERS, "content-type": type, ...extra },
  body,
});

const notFound = () => answer(404, "Not found.\n", TYPES[".txt"]!);

/** A file under `root`, or undefined for anything that is not one (no path leaves `root`). */
const fileUnder = (root: string, path: string): string | undefined => {
  const file = normalize(join(root, path));
  if (!file.startsWith(root + sep)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
};

const SCHOOL_ID = /^[A-Za-z0-9-]{1,32}$/;
const SUB = /^[A-Za-z0-9._@-]{1,128}$/;

/** The sign-in form's fields, from JSON or a urlencoded form; undefined when any is malformed. */
export const parseSignIn = (
  body: Buffer,
  contentType: string,
): { role: Role; sub: string; schoolIds: string[] } | undefined => {
  if (body.byteLength > 4096) return undefined;
  let fields: Record<string, unknown>;
  try {
    fields = contentType.startsWith("application/json")
      ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>)
      : Object.fromEntries(new URLSearchParams(body.toString("utf8")));
  } catch {
    return undefined;
  }
  if (fields === null || typeof fields !== "object") return undefined;
  const { role, sub, schools } = fields;
  if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) return undefined;
  if (typeof sub !== "string" || !SUB.test(sub)) return undefined;
  const list = Array.isArray(schools)
    ? schools
    : typeof schools === "string"
      ? schools.split(/[\s,]+/)
      : schools === undefined
        ? []
        : undefined;
  if (!list) return undefined;
  const schoolIds = list.filter((id) => id !== "");
  if (
    schoolIds.length > 50 ||
    !schoolIds.every((id) => typeof id === "string" && SCHOOL_ID.test(id))
  )
    return undefined;
  return { role: role as Role, sub, schoolIds: schoolIds as string[] };
};

export const webFiles = (options: { issuer: DevIssuer; timeZone: string; distDir?: string }) => {
  const dist = options.distDir ?? WEB_DIST;
  const config = JSON.stringify({
    auth: { kind: "local", signInUrl: "/local/sign-in" },
    timeZone: options.timeZone,
  });

  /** The app's answer to a request, or undefined when the path is the API's. */
  return async (request: {
    method: string;
    path: string;
    body: Buffer;
    contentType: string;
  }): Promise<WebResult | undefined> => {
    const { method, path } = request;
    if (!isAppPath(path)) return undefined;
    if (path === "/local/token") {
      if (method !== "POST") return answer(405, "POST only.\n", TYPES[".txt"]!, { allow: "POST" });
      const fields = parseSignIn(request.body, request.contentType);
      if (!fields) {
        return answer(
          400,
          JSON.stringify({
            error: { code: "VALIDATION_FAILED", message: "Pick a role, a user id and school ids." },
          }),
          TYPES[".json"]!,
        );
      }
      const token = await options.issuer.issue(fields);
      return answer(200, JSON.stringify({ token }), TYPES[".json"]!, {
        "cache-control": "no-store",
      });
    }
    if (method !== "GET" && method !== "HEAD") {
      return answer(405, "GET only.\n", TYPES[".txt"]!, { allow: "GET, HEAD" });
    }
    if (path === "/config.json") {
      return answer(200, config, TYPES[".json"]!, { "cache-control": "no-cache" });
    }
    if (path === "/local/sign-in" || path === "/local/sign-in.js") {
      const file = path === "/local/sign-in" ? "sign-in.html" : "sign-in.js";
      return answer(200, readFileSync(join(SIGN_IN_DIR, file)), TYPES[extname(file)]!, {
        "cache-control": "no-store",
      });
    }
    const file = fileUnder(dist, path === "/" ? "/index.html" : path);
    if (!file) {
      if (path === "/" || path === "/index.html") {
        return answer(
          503,
          "The web app is not built: run npm run build:web (npm start builds it).\n",
          TYPES[".txt"]!,
        );
      }
      return notFound();
    }
    // Hashed assets never change; everything else is checked on each load (the service worker updates).
    const cache = path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    return answer(200, readFileSync(file), TYPES[extname(file)] ?? "application/octet-stream", {
      "cache-control": cache,
    });
  };
};
