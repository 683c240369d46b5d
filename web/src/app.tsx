import type { ComponentChildren } from "preact";
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiFailure, type ApiRequest, apiRequest } from "./api.ts";
import type { Auth, Profile, Session } from "./auth.ts";
import { savedProfile } from "./auth.ts";
import type { AppConfig } from "./config.ts";
import { type AppRoute, homeOf, matchRoute, ROUTES, type ScreenProps } from "./routes.ts";
import { Forbidden, NotFound, SignInNeeded, Unavailable } from "./screens/status.tsx";
import { onStorageFull } from "./storage/db.ts";
import { deleteDraftsOf } from "./storage/drafts.ts";
import { flushOutbox, unsentOf } from "./storage/outbox.ts";

export interface AppState {
  config: AppConfig;
  auth: Auth;
  /** Signed in: a token the API takes. */
  session: Session | undefined;
  /** Who uses the app: the session's profile, or the one kept from the last sign-in. */
  profile: Profile | undefined;
  /** The API refused the token: ask to sign in again, keep everything else. */
  expired: () => Promise<void>;
  /** Try the outbox now (after a submit, the network's return). */
  sendOutbox: (force?: boolean) => void;
  online: boolean;
}

const AppContext = createContext<AppState | undefined>(undefined);
export const useApp = (): AppState => useContext(AppContext)!;

/**
 * The API for screens: the signed-in token, errors as ApiFailure, a 401
 * turned into "sign in again". A screen shows `<Unavailable/>` on a 503.
 */
export const useApi = () => {
  const { session, expired } = useApp();
  return useCallback(
    async <T,>(request: Omit<ApiRequest, "token">) => {
      if (!session) throw new ApiFailure(401, "UNAUTHENTICATED", "Sign in to continue.");
      try {
        return await apiRequest<T>({ ...request, token: session.token });
      } catch (error) {
        if (error instanceof ApiFailure && error.status === 401) await expired();
        throw error;
      }
    },
    [session, expired],
  );
};

export const navigate = (path: string) => {
  location.hash = `#${path}`;
};

const currentHash = () => {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path = "/", search = ""] = hash.split("?");
  return { path, query: new URLSearchParams(search) };
};

const useHashLocation = () => {
  const [where, setWhere] = useState(currentHash);
  useEffect(() => {
    const onChange = () => setWhere(currentHash());
    addEventListener("hashchange", onChange);
    // The hash may have changed between the first render and this effect.
    onChange();
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return where;
};

const LazyScreen = ({ route, props }: { route: AppRoute; props: ScreenProps }) => {
  const [loaded, setLoaded] = useState<{ route: AppRoute; screen: AppRoute["screen"] }>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    setFailed(false);
    route
      .load?.()
      .then((module) => live && setLoaded({ route, screen: module.default }))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [route]);
  if (failed) return <Unavailable what="This screen could not be loaded." />;
  const Screen = loaded?.route === route ? loaded.screen : undefined;
  return Screen ? <Screen {...props} /> : <p role="status">Loading…</p>;
};

const SignOutDialog = ({
  unsent,
  onCancel,
  onConfirm,
}: {
  unsent: number;
  onCancel: () => void;
  onConfirm: () => void;
}) => {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="sign-out-title" onCancel={onCancel}>
      <h2 id="sign-out-title">Sign out with reports not sent?</h2>
      <p>
        {unsent === 1 ? "1 report has" : `${unsent} reports have`} not reached the server yet. They
        stay on this device, encrypted, and are sent when you sign in again. Your drafts are
        deleted.
      </p>
      <div class="actions">
        <button type="button" onClick={onCancel}>
          Stay signed in
        </button>
        <button type="button" class="danger" onClick={onConfirm}>
          Sign out
        </button>
      </div>
    </dialog>
  );
};

const Shell = ({ children, state }: { children: ComponentChildren; state: AppState }) => {
  const { profile, session, auth } = state;
  const { path } = useHashLocation();
  const [asking, setAsking] = useState<number>();
  const [storageFull, setStorageFull] = useState<string>();
  useEffect(() => onStorageFull((error) => setStorageFull(error.message)), []);

  const signOut = async (confirmed: boolean) => {
    if (!profile) return auth.signIn();
    if (!confirmed) {
      const unsent = (await unsentOf(profile.sub)).length;
      if (unsent > 0) return setAsking(unsent);
    }
    setAsking(undefined);
    await deleteDraftsOf(profile.sub);
    await auth.signOut();
  };

  const nav = profile
    ? ROUTES.filter((route) => route.nav && route.roles.includes(profile.role))
    : [];

  return (
    <>
      {/* A button: a #main link would change the hash route. */}
      <button type="button" class="skip" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <header class="bar">
        <p class="brand">SRO reports</p>
        {profile && (
          <nav aria-label="Main">
            <ul>
              {nav.map((route) => (
                <li key={route.path}>
                  <a
                    href={`#${route.path}`}
                    aria-current={
                      path === route.path || path.startsWith(`${route.path}/`) ? "page" : undefined
                    }
                  >
                    {route.title}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {profile && (
          <button type="button" class="link" onClick={() => void signOut(false)}>
            {session ? "Sign out" : "Sign in"}
          </button>
        )}
      </header>
      <div class="notices">
        {!state.online && (
          <p class="notice" role="status">
            Offline: reports are kept on this device and sent when the network returns.
          </p>
        )}
        {profile && !session && (
          <p class="notice warn" role="status">
            Not signed in: reports wait in the outbox until you{" "}
            <button type="button" class="link" onClick={() => void auth.signIn()}>
              sign in
            </button>
            .
          </p>
        )}
        {storageFull && (
          <p class="notice error" role="alert">
            {storageFull}
          </p>
        )}
      </div>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      {asking !== undefined && (
        <SignOutDialog
          unsent={asking}
          onCancel={() => setAsking(undefined)}
          onConfirm={() => void signOut(true)}
        />
      )}
    </>
  );
};

const Router = ({ state }: { state: AppState }) => {
  const { path, query } = useHashLocation();
  const { profile, session } = state;
  const found = matchRoute(path);
  useEffect(() => {
    document.title = found ? `${found.route.title} · SRO reports` : "SRO reports";
  }, [found?.route]);
  if (!profile) return <SignInNeeded />;
  if (path === "/") {
    // Replaced, not pushed: Back from the home screen leaves the app.
    location.replace(`#${homeOf(profile.role)}`);
    return null;
  }
  if (!found) return <NotFound />;
  const { route, params } = found;
  if (!route.roles.includes(profile.role)) return <Forbidden />;
  if (route.online && !session) return <SignInNeeded />;
  const props: ScreenProps = { params, query };
  const Screen = route.screen;
  return Screen ? <Screen key={path} {...props} /> : <LazyScreen route={route} props={props} />;
};

export const App = ({
  config,
  auth,
  initial,
}: {
  config: AppConfig;
  auth: Auth;
  initial: Session | undefined;
}) => {
  const [session, setSession] = useState(initial);
  const [online, setOnline] = useState(navigator.onLine);
  const profile = session?.profile ?? savedProfile();
  const timer = useRef<number>(undefined);

  const expired = useCallback(async () => {
    await auth.expire();
    setSession(undefined);
  }, [auth]);

  const sendOutbox = useCallback(
    (force = false) => {
      if (session?.profile.role !== "sro") return;
      clearTimeout(timer.current);
      void flushOutbox(session, force)
        .then(async ({ outcomes, nextAttemptAt }) => {
          if ([...outcomes.values()].includes("unauthenticated")) return expired();
          if (nextAttemptAt !== undefined) {
            timer.current = window.setTimeout(
              () => sendOutbox(),
              Math.max(0, nextAttemptAt - Date.now()),
            );
          }
        })
        .catch(() => undefined);
    },
    [session, expired],
  );

  // The outbox is sent at start, when the network returns, and on its backoff timer.
  useEffect(() => {
    sendOutbox(true);
    const up = () => {
      setOnline(true);
      sendOutbox(true);
    };
    const down = () => setOnline(false);
    addEventListener("online", up);
    addEventListener("offline", down);
    return () => {
      removeEventListener("online", up);
      removeEventListener("offline", down);
      clearTimeout(timer.current);
    };
  }, [sendOutbox]);

  const state = useMemo<AppState>(
    () => ({ config, auth, session, profile, expired, sendOutbox, online }),
    [config, auth, session, profile?.sub, expired, sendOutbox, online],
  );
  return (
    <AppContext.Provider value={state}>
      <Shell state={state}>
        <Router state={state} />
      </Shell>
    </AppContext.Provider>
  );
};
