/**
 * The web app's response headers as agreed for both places that serve it
 * (contracts section 7): the local stack and CloudFront. Plain strings, no
 * CDK, so the local stack can take them without loading the CDK.
 */

/**
 * The app's Content Security Policy. `cognitoOrigins` are the origins the
 * OIDC client talks to in AWS (the issuer for discovery and keys, the
 * managed login domain for tokens and sign-out); locally there are none.
 */
export const appContentSecurityPolicy = (cognitoOrigins: readonly string[] = []): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...cognitoOrigins].join(" "),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    ["form-action 'self'", ...cognitoOrigins].join(" "),
    "object-src 'none'",
  ].join("; ");

/** HSTS max-age in seconds: two years, as preload lists ask. Over TLS only, so CloudFront's. */
export const HSTS_MAX_AGE_SECONDS = 2 * 365 * 86_400;
