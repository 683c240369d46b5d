/** `/config.json`, served by the stack (contracts section 7, agreed between the app's engineers). */
export type AuthConfig =
  | { kind: "local"; signInUrl: string }
  | {
      kind: "oidc";
      authority: string;
      clientId: string;
      redirectUri: string;
      logoutUri: string;
      managedLoginDomain: string;
    };

export interface AppConfig {
  auth: AuthConfig;
  timeZone: string;
}

const isString = (value: unknown): value is string => typeof value === "string" && value !== "";

const parse = (value: unknown): AppConfig => {
  const config = value as { auth?: Record<string, unknown>; timeZone?: unknown } | null;
  const auth = config?.auth;
  if (!auth || !isString(config?.timeZone)) throw new Error("config.json is incomplete");
  if (auth.kind === "local" && isString(auth.signInUrl)) {
    return { auth: { kind: "local", signInUrl: auth.signInUrl }, timeZone: config.timeZone };
  }
  if (
    auth.kind === "oidc" &&
    isString(auth.authority) &&
    isString(auth.clientId) &&
    isString(auth.redirectUri) &&
    isString(auth.logoutUri) &&
    isString(auth.managedLoginDomain)
  ) {
    return {
      auth: {
        kind: "oidc",
        authority: auth.authority,
        clientId: auth.clientId,
        redirectUri: auth.redirectUri,
        logoutUri: auth.logoutUri,
        managedLoginDomain: auth.managedLoginDomain,
      },
      timeZone: config.timeZone,
    };
  }
  throw new Error("config.json names no known sign-in");
};

const SAVED_CONFIG_KEY = "sro.config";

/**
 * The service worker answers from its cache when there is no network
 * (network first); the first visit's request passed before the worker was
 * there, so the last configuration read is also kept (it is not secret).
 */
export const loadConfig = async (): Promise<AppConfig> => {
  try {
    // Fetched as index.html preloads it (the server says no-cache, so it is revalidated).
    const response = await fetch("/config.json");
    if (!response.ok) throw new Error(`config.json: ${response.status}`);
    const config = parse(await response.json());
    localStorage.setItem(SAVED_CONFIG_KEY, JSON.stringify(config));
    return config;
  } catch (error) {
    const saved = localStorage.getItem(SAVED_CONFIG_KEY);
    if (saved) return parse(JSON.parse(saved));
    throw error;
  }
};
