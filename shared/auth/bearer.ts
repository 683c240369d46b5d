import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import { SETTINGS } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import { ApiError } from "../http/errors.ts";
import { type Principal, principalFromClaims } from "./claims.ts";

/** Cognito signs with RS256, the local dev issuer with ES256; `none` and HMAC never pass. */
const ALGORITHMS = ["RS256", "ES256"];
const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i;

/**
 * The issuer's key set, one per container: jose keeps the keys it fetched
 * (for ten minutes, and fetches again at once for an unknown key id, at most
 * every 30 seconds), so a warm function verifies without a network call.
 */
let keySet: { url: string; keys: ReturnType<typeof createRemoteJWKSet> } | undefined;
const issuerKeys = (url: string) => {
  if (keySet?.url !== url) {
    keySet = {
      url,
      keys: createRemoteJWKSet(new URL(url), {
        timeoutDuration: 2000,
        cooldownDuration: 30_000,
        cacheMaxAge: 600_000,
      }),
    };
  }
  return keySet.keys;
};

const unauthenticated = () => new ApiError("UNAUTHENTICATED", "A valid bearer token is required.");

/** The key set could not be fetched: the caller may be fine, so a 503 to retry, not a 401. */
const keysUnavailable = (thrown: unknown) =>
  !(thrown instanceof errors.JOSEError) ||
  thrown instanceof errors.JWKSTimeout ||
  thrown instanceof errors.JWKSInvalid ||
  thrown.code === errors.JOSEError.code;

/**
 * API Gateway's JWT authorizer accepts a token whose `aud` (ID tokens) or
 * `client_id` (Cognito access tokens) names one of its app clients (the
 * form's and the web app's): the same here. The setting lists them
 * comma-separated.
 */
const forAudience = (payload: JWTPayload, audiences: readonly string[]) =>
  audiences.some(
    (audience) => [payload.aud].flat().includes(audience) || payload.client_id === audience,
  );

/**
 * The caller, from the bearer token verified here against the user pool's
 * (locally, the dev issuer's) published keys: for a function that must not
 * take another function's word for who is calling. The claims are read by
 * the same code as the authorizer's.
 */
export const principalFromBearer = async (
  authorization: string | undefined,
): Promise<Principal> => {
  const token = BEARER.exec(authorization?.trim() ?? "")?.[1];
  if (!token) throw unauthenticated();
  const issuer = requireEnv(SETTINGS.tokenIssuer);
  const audiences = requireEnv(SETTINGS.tokenAudience)
    .split(",")
    .map((audience) => audience.trim())
    .filter(Boolean);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, issuerKeys(requireEnv(SETTINGS.tokenJwksUrl)), {
      issuer,
      algorithms: ALGORITHMS,
      requiredClaims: ["sub", "exp"],
      clockTolerance: 5,
    }));
  } catch (thrown) {
    if (keysUnavailable(thrown)) {
      const unavailable = new ApiError(
        "UNAVAILABLE",
        "The token could not be checked just now; retry.",
      );
      unavailable.cause = thrown;
      throw unavailable;
    }
    throw unauthenticated();
  }
  if (!forAudience(payload, audiences)) throw unauthenticated();
  return principalFromClaims(payload as Parameters<typeof principalFromClaims>[0]);
};
