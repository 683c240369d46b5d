import { ApiError } from "../http/errors.ts";

export const ROLES = [
  "sro",
  "school_admin",
  "district_analyst",
  "records_custodian",
  "board",
] as const;
export type Role = (typeof ROLES)[number];

/** Cognito puts groups here; the local dev issuer uses the same claim names. */
export const GROUPS_CLAIM = "cognito:groups";
export const SCHOOL_IDS_CLAIM = "custom:schoolIds";

export interface Principal {
  userId: string;
  role: Role;
  schoolIds: ReadonlySet<string>;
}

type ClaimValue = string | number | boolean | string[] | undefined;

/**
 * API Gateway's JWT authorizer hands list claims to the function as a string
 * such as `[sro other]`; locally they may arrive as arrays. Both read the same.
 */
const claimList = (value: ClaimValue): string[] => {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string") return [];
  const inner = value.trim().replace(/^\[(.*)\]$/s, "$1");
  return inner
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
};

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/**
 * The caller as the token describes them. No claims means the request did not
 * come through the authorizer: 401. A token without exactly one known role: 403.
 */
export const principalFromClaims = (claims: Record<string, ClaimValue> | undefined): Principal => {
  const sub = claims?.sub;
  if (typeof sub !== "string" || sub.length === 0) {
    throw new ApiError("UNAUTHENTICATED", "A valid bearer token is required.");
  }
  const roles = claimList(claims?.[GROUPS_CLAIM]).filter(isRole);
  const role = roles[0];
  if (role === undefined || roles.length !== 1) {
    throw new ApiError("FORBIDDEN", "The token does not carry exactly one known role.");
  }
  return {
    userId: sub,
    role,
    schoolIds: new Set(claimList(claims?.[SCHOOL_IDS_CLAIM])),
  };
};

export const requireRole = (principal: Principal, ...allowed: Role[]): void => {
  if (!allowed.includes(principal.role)) {
    throw new ApiError("FORBIDDEN", "Your role may not do this.");
  }
};
