import type { ComponentType } from "preact";
import type { Role } from "../../shared/auth/claims.ts";
import { MyReports } from "./officer/my-reports.tsx";
import { NewReport } from "./officer/new-report.tsx";
import { Outbox } from "./officer/outbox.tsx";
import { SubmittedReport } from "./officer/submitted-report.tsx";

export interface ScreenProps {
  /** `:name` segments of the route's path. */
  params: Record<string, string>;
  query: URLSearchParams;
}

type Screen = ComponentType<ScreenProps>;

export interface AppRoute {
  /** A hash path; `:name` matches one segment. Never an API path (they are hash routes). */
  path: string;
  /** The page title and, with `nav`, the navigation label. */
  title: string;
  /** Who may open it; everyone else gets the 403 screen. Match what the role's API allows. */
  roles: readonly Role[];
  nav?: boolean;
  /** Needs the network: without a session it asks to sign in instead of showing stale data. */
  online?: boolean;
  /** Loaded with the app (the officer's form must be usable offline at once) ... */
  screen?: Screen;
  /** ... or on first visit, in its own chunk (keeps the first load small). */
  load?: () => Promise<{ default: Screen }>;
}

/**
 * Every screen of the app. To add one (the district screens, issue 13), add
 * an entry here: a hash path, a title, the roles that may open it, `nav: true`
 * to list it in the navigation of those roles, and `load: () =>
 * import("./district/incidents.tsx")` so its code stays out of the officers'
 * first load (the module's default export is the screen; it gets the route's
 * params and query). The navigation, the role check (403 screen) and the
 * sign-in prompt come from this entry; nothing else needs changing. Screens
 * call the API through `useApi()` (app.tsx), which maps the error bodies and
 * shows the 503 screen.
 */
export const ROUTES: readonly AppRoute[] = [
  { path: "/new", title: "New report", roles: ["sro"], nav: true, screen: NewReport },
  { path: "/new/:id", title: "New report", roles: ["sro"], screen: NewReport },
  { path: "/outbox", title: "Outbox", roles: ["sro"], nav: true, screen: Outbox },
  {
    path: "/mine",
    title: "My reports",
    roles: ["sro"],
    nav: true,
    online: true,
    screen: MyReports,
  },
  {
    path: "/mine/:id",
    title: "Report as submitted",
    roles: ["sro"],
    online: true,
    screen: SubmittedReport,
  },
  // The district screens (issue 13): each in its own chunk, none in the officers' first load.
  {
    path: "/incidents",
    title: "Incidents",
    roles: ["school_admin", "district_analyst"],
    nav: true,
    online: true,
    load: () => import("./district/incidents.tsx"),
  },
  {
    path: "/incidents/:id",
    title: "Incident",
    roles: ["school_admin", "district_analyst"],
    online: true,
    load: () => import("./district/incident.tsx"),
  },
  {
    path: "/enrollment",
    title: "Enrollment",
    roles: ["district_analyst"],
    nav: true,
    online: true,
    load: () => import("./district/enrollment.tsx"),
  },
  {
    path: "/reports",
    title: "Reports",
    roles: ["district_analyst", "board"],
    nav: true,
    online: true,
    load: () => import("./district/reports.tsx"),
  },
  {
    path: "/records",
    title: "Student records",
    roles: ["records_custodian"],
    nav: true,
    online: true,
    load: () => import("./district/records.tsx"),
  },
  {
    path: "/records/:id",
    title: "Incident, unredacted",
    roles: ["records_custodian"],
    online: true,
    load: () => import("./district/record.tsx"),
  },
  {
    path: "/audit",
    title: "Audit log",
    roles: ["records_custodian"],
    nav: true,
    online: true,
    load: () => import("./district/audit.tsx"),
  },
];

/** Where a role lands at `/#/`. */
export const homeOf = (role: Role): string =>
  ROUTES.find((route) => route.nav && route.roles.includes(role))?.path ?? "/";

export const matchRoute = (
  hashPath: string,
): { route: AppRoute; params: Record<string, string> } | undefined => {
  const segments = hashPath.split("/").filter(Boolean);
  for (const route of ROUTES) {
    const pattern = route.path.split("/").filter(Boolean);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, index) => {
      const segment = segments[index]!;
      if (part.startsWith(":")) {
        try {
          params[part.slice(1)] = decodeURIComponent(segment);
        } catch {
          return false;
        }
        return true;
      }
      return part === segment;
    });
    if (matches) return { route, params };
  }
  return undefined;
};
