import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROLES, type Role } from "../../shared/auth/claims.ts";
import { loadDevIssuer } from "./dev-issuer.ts";

/**
 * `npm run --silent token -- --role ROLE --sub ID [--schools ID,ID]`: a
 * bearer token signed by the local dev issuer (whose key lives in the data
 * folder, so only the local stack accepts it).
 */
const usage =
  "usage: npm run --silent token -- --role ROLE --sub ID [--schools ID,ID] [--ttl SECONDS]\n" +
  `  ROLE is one of: ${ROLES.join(", ")}`;

const fail = (message: string): never => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
};

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      role: { type: "string" },
      sub: { type: "string" },
      schools: { type: "string" },
      ttl: { type: "string" },
      "data-dir": { type: "string" },
    },
    strict: true,
  });
}
try {
  parsed = parse();
} catch {
  fail("Unknown or malformed option.");
}
const { role, sub, schools, ttl } = parsed!.values;
if (!role || !(ROLES as readonly string[]).includes(role))
  fail("--role is required and must be a known role.");
if (!sub || !/^[A-Za-z0-9._@:-]{1,128}$/.test(sub))
  fail("--sub is required: 1-128 letters, digits or . _ @ : -");
const schoolIds = (schools ?? "").split(",").filter((id) => id.length > 0);
if (schoolIds.some((id) => !/^[A-Za-z0-9-]{1,32}$/.test(id)))
  fail("--schools takes school ids (1-32 letters, digits or hyphens), comma-separated.");
const ttlSeconds = ttl === undefined ? 12 * 3600 : Number(ttl);
if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 7 * 86_400)
  fail("--ttl must be whole seconds, at most 7 days.");

const dataDir = parsed!.values["data-dir"] ?? process.env.DATA_DIR ?? ".data";
const issuer = await loadDevIssuer(join(dataDir, "dev-issuer-key.json"));
console.log(await issuer.issue({ role: role as Role, sub: sub!, schoolIds, ttlSeconds }));
