import { GROUPS_CLAIM, ROLES, type Role, SCHOOL_IDS_CLAIM } from "../../shared/auth/claims.ts";
import type { AppConfig, AuthConfig } from "./config.ts";

/**
 * Who is signed in. Tokens live in sessionStorage only (contracts section 7):
 * the local sign-in page puts one under `sro.localToken`; oidc-client-ts keeps
 * Cognito's there too. The profile (sub, role, schools) is not secret and is
 * kept in localStorage so that the form works offline and after a restart,
 * while sending waits for a token.
 */

export const LOCAL_TOKEN_KEY = "sro.localToken";
const PROFILE_KEY = "sro.profile";

export interface Profile {
  sub: string;
  role: Role;
  schoolIds: string[];
}

export interface Session {
  token: string;
  profile: Profile;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const base64UrlJson = (part: string): Record<string, unknown> | undefined => {
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

/** The claims the API reads, read the same way (a list claim may be an array or a string). */
const listClaim = (value: unknown): string[] =>
  (Array.isArray(value)
    ? value.map(String)
    : typeof value === "string"
      ? value.split(/[\s,]+/)
      : []
  )
    .map((entry) => entry.replace(/^\[|\]$/g, "").trim())
    .filter((entry) => entry !== "");

/** The token is verified by the API; the app only reads what to show and whose entries to send. */
export const sessionFromToken = (token: string): Session | undefined => {
  const payload = base64UrlJson(token.split(".")[1] ?? "");
  if (!payload || typeof payload.sub !== "string" || typeof payload.exp !== "number") return;
  const roles = listClaim(payload[GROUPS_CLAIM]).filter((role): role is Role =>
    (ROLES as readonly string[]).includes(role),
  );
  if (roles.length !== 1) return;
  const expiresAt = payload.exp * 1000;
  if (expiresAt <= Date.now()) return;
  return {
    token,
    expiresAt,
    profile: { sub: payload.sub, role: roles[0]!, schoolIds: listClaim(payload[SCHOOL_IDS_CLAIM]) },
  };
};

export const savedProfile = (): Profile | undefined => {
  try {
    const profile = JSON.parse(localStorage.getItem(PROFILE_KEY) ?? "null") as Profile | null;
    return profile && typeof profile.sub === "string" ? profile : undefined;
  } catch {
    return undefined;
  }
};

const saveProfile = (profile: Profile | undefined) => {
  if (profile) localStorage.setItem(PROFILE_KEY, JSON.stringify(profile));
  else localStorage.removeItem(PROFILE_KEY);
};

export interface Auth {
  /** The signed-in officer, or undefined (then the saved profile, if any, works offline). */
  session(): Promise<Session | undefined>;
  signIn(): Promise<void>;
  /** Forgets the token: the API refused it. */
  expire(): Promise<void>;
  signOut(): Promise<void>;
}

const localAuth = (config: Extract<AuthConfig, { kind: "local" }>): Auth => ({
  session: async () => {
    const token = sessionStorage.getItem(LOCAL_TOKEN_KEY);
    const session = token ? sessionFromToken(token) : undefined;
    if (session) saveProfile(session.profile);
    return session;
  },
  signIn: async () => {
    location.assign(config.signInUrl);
  },
  expire: async () => {
    sessionStorage.removeItem(LOCAL_TOKEN_KEY);
  },
  signOut: async () => {
    sessionStorage.removeItem(LOCAL_TOKEN_KEY);
    saveProfile(undefined);
    location.assign(config.signInUrl);
  },
});

/**
 * Cognito's managed login, authorization code flow with PKCE. oidc-client-ts
 * is loaded only where it is used, so the local app and the first paint do
 * not carry it.
 */
const oidcAuth = (config: Extract<AuthConfig, { kind: "oidc" }>): Auth => {
  const manager = import("oidc-client-ts").then(
    ({ UserManager, WebStorageStateStore }) =>
      new UserManager({
        authority: config.authority,
        client_id: config.clientId,
        redirect_uri: config.redirectUri,
        post_logout_redirect_uri: config.logoutUri,
        response_type: "code",
        scope: "openid profile email",
        userStore: new WebStorageStateStore({ store: sessionStorage }),
        stateStore: new WebStorageStateStore({ store: sessionStorage }),
        automaticSilentRenew: false,
      }),
  );
  return {
    session: async () => {
      const users = await manager;
      const query = new URLSearchParams(location.search);
      if (query.has("code") && query.has("state")) {
        await users.signinRedirectCallback();
        // The code and state leave the address bar and the history.
        history.replaceState(null, "", `${location.pathname}${location.hash}`);
      }
      const user = await users.getUser();
      const session = user?.id_token ? sessionFromToken(user.id_token) : undefined;
      if (session) saveProfile(session.profile);
      return session;
    },
    signIn: async () => (await manager).signinRedirect(),
    expire: async () => (await manager).removeUser(),
    signOut: async () => {
      await (await manager).removeUser();
      saveProfile(undefined);
      // Cognito publishes no end_session_endpoint: its managed login logs out here.
      const logout = new URL("/logout", config.managedLoginDomain);
      logout.searchParams.set("client_id", config.clientId);
      logout.searchParams.set("logout_uri", config.logoutUri);
      location.assign(logout.href);
    },
  };
};

export const authFor = (config: AppConfig): Auth =>
  config.auth.kind === "local" ? localAuth(config.auth) : oidcAuth(config.auth);
