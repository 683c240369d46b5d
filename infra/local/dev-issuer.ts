import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import { GROUPS_CLAIM, type Role, SCHOOL_IDS_CLAIM } from "../../shared/auth/claims.ts";

/** Local tokens name this issuer and audience; a deployed stack trusts only its Cognito pool. */
export const LOCAL_ISSUER = "urn:sro-incident-pipeline:local-dev-issuer";
export const LOCAL_AUDIENCE = "sro-incident-pipeline-local";
const ALGORITHM = "ES256";

export interface DevIssuer {
  issue(request: {
    role: Role;
    sub: string;
    schoolIds?: string[];
    ttlSeconds?: number;
  }): Promise<string>;
  /** The verified claims, or undefined for any token this issuer did not sign or that expired. */
  verify(token: string): Promise<JWTPayload | undefined>;
  /** The public key as a JWK Set, as Cognito publishes its pool's at /.well-known/jwks.json. */
  jwks(): { keys: JWK[] };
}

/** The signing key is created on first use and kept (owner-only) in the data folder. */
export const loadDevIssuer = async (keyFile: string): Promise<DevIssuer> => {
  let privateJwk: JWK;
  if (existsSync(keyFile)) {
    privateJwk = JSON.parse(readFileSync(keyFile, "utf8")) as JWK;
  } else {
    const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    privateJwk = await exportJWK(privateKey);
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, ALGORITHM);
  const publicKey = await importJWK(publicJwk, ALGORITHM);
  return {
    issue: ({ role, sub, schoolIds = [], ttlSeconds = 12 * 3600 }) =>
      new SignJWT({
        [GROUPS_CLAIM]: [role],
        [SCHOOL_IDS_CLAIM]: schoolIds.join(","),
        token_use: "id",
      })
        .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
        .setSubject(sub)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
    jwks: () => ({ keys: [{ ...publicJwk, alg: ALGORITHM, use: "sig" }] }),
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          issuer: LOCAL_ISSUER,
          audience: LOCAL_AUDIENCE,
          algorithms: [ALGORITHM],
          requiredClaims: ["sub", "exp"],
        });
        return payload;
      } catch {
        return undefined;
      }
    },
  };
};
