import type { DecisionPoint, DimensionName } from "./definitions.ts";
import type { ReportParameters, ReportRequest } from "./request.ts";

/** The report's shape (contracts section 5), apart from the code that computes or hides it. */
export type RiskRatioNote =
  | "below_min_cell"
  | "below_min_n"
  | "comparison_below_min_cell"
  | "comparison_below_min_n"
  | "suppressed"
  | "comparison_suppressed"
  | null;

export interface ReportRow {
  group: string;
  enrollment: number;
  students: number | null;
  events: number | null;
  risk: number | null;
  comparisonStudents: number | null;
  comparisonEnrollment: number;
  comparisonRisk: number | null;
  riskRatio: number | null;
  riskRatioNote: RiskRatioNote;
  ciLow: number | null;
  ciHigh: number | null;
  exceedsThreshold: boolean;
  significant: boolean;
  flagged: boolean;
  rri: number | null;
  suppressed: boolean;
}

export interface ReportTable {
  decisionPoint: DecisionPoint;
  dimension: DimensionName;
  totalStudents: number | null;
  notRecorded: number | null;
  rows: ReportRow[];
}

/** One policy indicator (contracts section 9): share is count / base, null where either is. */
export interface Indicator {
  count: number | null;
  base: number | null;
  share: number | null;
}

export interface Indicators {
  routineDiscipline: Indicator;
  mentalHealth: Indicator;
  useOfForce: Indicator;
  restraintElementary: Indicator;
  underTwelveJustice: Indicator;
  justiceVersusSupport: Indicator & { supportCount: number | null };
}

/** Count and minutes per activity type; a type with no activity is absent. */
export type ActivityTotals = Partial<Record<string, { count: number; minutes: number }>>;

/** SRO activities of the period and scope (contracts section 9); public: `byType` only. */
export interface ActivitySummary {
  byType: ActivityTotals;
  bySchool?: Array<{ schoolId: string; byType: ActivityTotals }>;
}

export interface Report {
  reportVersion: 1;
  schoolYear: string;
  period: { from: string; to: string };
  scope: ReportRequest["scope"];
  parameters: ReportParameters;
  /** The instant whose data the report counts; null from files without --as-of. */
  asOf: string | null;
  totals: {
    incidents: number | null;
    subjects: number | null;
    students: number | null;
    /** Incidents of the period whose current version is a correction (version > 1). */
    corrected: number | null;
    /** Incidents of the period voided so far: counted here and nowhere else. */
    voided: number | null;
  };
  tables: ReportTable[];
  indicators: Indicators;
  /**
   * Null where the report was made without the activities table: the CLI
   * from files reads incidents only, and null says "not known", not "none".
   */
  activities: ActivitySummary | null;
}
