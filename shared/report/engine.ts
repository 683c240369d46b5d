import { GRADES, STUDENT_ACTIONS } from "../incident/schema.ts";
import type { RedactedIncident } from "../privacy/redact.ts";
import { nextDate, startOfDay } from "../time/zoned.ts";
import {
  DECISION_POINT_NAMES,
  type DecisionPoint,
  DIMENSIONS,
  type DimensionName,
  decisionPointsOf,
  gradeBandOf,
} from "./definitions.ts";
import { type Enrollment, scopeEnrollment } from "./enrollment.ts";
import type { Indicators, Report, ReportRow, ReportTable, RiskRatioNote } from "./model.ts";
import { normalQuantile } from "./normal.ts";
import type { ReportRequest } from "./request.ts";
import { suppressForPublication } from "./suppression.ts";

export type { Report, ReportRow, ReportTable, RiskRatioNote } from "./model.ts";

/**
 * An incident as the engine counts it: the redacted content of its current
 * version, its version number and status. A voided one needs only what
 * places it in a period and scope: it counts in `totals.voided` alone.
 */
export type CountedIncident =
  | { status: "active"; version: number; incident: RedactedIncident }
  | { status: "voided"; version: number; schoolId: string; occurredAt: string };

/** A bare redacted incident is an active version 1 (a version-1 event, or a record from before versions). */
export type ReportInput = RedactedIncident | CountedIncident;

const isCounted = (input: ReportInput): input is CountedIncident =>
  (input as CountedIncident).status === "active" || (input as CountedIncident).status === "voided";

/** What the engine keeps per distinct student: bounded, whatever the number of incidents. */
interface StudentTally {
  /** The earliest incident in which the student is a subject decides the groups. */
  firstAt: number;
  /** Its occurredAt and id, read again only where two instants tie to the millisecond. */
  firstOccurredAt: string;
  firstId: string;
  groups: Array<string | undefined>;
  /** (incident, student) pairs per decision point, in DECISION_POINT_NAMES order. */
  events: number[];
}

/** Digits of a timestamp's fraction beyond the millisecond, which Date.parse drops. */
const subMillisecond = (occurredAt: string) => {
  const fraction = /\.(\d+)/.exec(occurredAt)?.[1] ?? "";
  return Number(fraction.padEnd(9, "0").slice(3, 9));
};

/** Whether an incident at (at, occurredAt, id) comes before a student's earliest so far. */
const isEarlier = (at: number, occurredAt: string, id: string, tally: StudentTally) => {
  if (at !== tally.firstAt) return at < tally.firstAt;
  const fraction = subMillisecond(occurredAt);
  const firstFraction = subMillisecond(tally.firstOccurredAt);
  if (fraction !== firstFraction) return fraction < firstFraction;
  return id.toLowerCase() < tally.firstId.toLowerCase();
};

/** Per action, the bit of each decision point it makes (contact is every subject's). */
const POINT_BITS = new Map<string, number>();
DECISION_POINT_NAMES.forEach((point, position) => {
  for (const action of STUDENT_ACTIONS) {
    if (decisionPointsOf([action]).includes(point) && point !== "contact") {
      POINT_BITS.set(action, (POINT_BITS.get(action) ?? 0) | (1 << position));
    }
  }
});

const bitOf = (point: DecisionPoint) => 1 << DECISION_POINT_NAMES.indexOf(point);
const USE_OF_FORCE = bitOf("use_of_force");
const RESTRAINT = bitOf("restraint");
const JUSTICE = bitOf("citation") | bitOf("arrest") | bitOf("referral_to_prosecution");
const SUPPORT = bitOf("referral_to_support_services");
const PSYCHIATRIC_HOLD = bitOf("psychiatric_hold");
const ELEMENTARY_GRADES = new Set<string>(
  GRADES.filter((grade) => gradeBandOf(grade) === "elementary"),
);
/** California's juvenile court takes no one younger (contracts section 9). */
const JUVENILE_COURT_AGE = 12;

const quotient = (numerator: number, denominator: number) =>
  denominator === 0 ? null : numerator / denominator;

/** The Katz log interval of a risk ratio; null where its variance is not positive. */
export const katzInterval = (
  riskRatio: number,
  [a, n1, c, n0]: [number, number, number, number],
  z: number,
): { ciLow: number | null; ciHigh: number | null } => {
  const v = 1 / a - 1 / n1 + 1 / c - 1 / n0;
  if (!(v > 0)) return { ciLow: null, ciHigh: null };
  const spread = z * Math.sqrt(v);
  return {
    ciLow: Math.exp(Math.log(riskRatio) - spread),
    ciHigh: Math.exp(Math.log(riskRatio) + spread),
  };
};

/**
 * The disproportionality report (contracts section 5), fed one redacted
 * incident at a time: memory grows with distinct students, not incidents.
 */
export class ReportAccumulator {
  /** Students with a key, who may be subjects of many incidents. */
  private readonly keyed = new Map<string, StudentTally>();
  /** Subjects without a key: a distinct student in each incident. */
  private readonly unkeyed: StudentTally[] = [];
  private incidents = 0;
  private subjects = 0;
  private corrected = 0;
  private voided = 0;
  /** The policy indicators' counts, tallied in the same pass as the tables. */
  private routineDiscipline = 0;
  private mentalHealth = 0;
  private useOfForce = 0;
  private elementary = 0;
  private elementaryRestrained = 0;
  private justice = 0;
  private justiceUnderTwelve = 0;
  private support = 0;
  private readonly routineCategories: ReadonlySet<string>;
  /** The period as instants: a calendar date in the zone is monotonic in the instant. */
  private readonly start: number;
  private readonly end: number;

  constructor(private readonly request: ReportRequest) {
    const { period, parameters } = request;
    this.start = startOfDay(period.from, parameters.timeZone).getTime();
    this.end = startOfDay(nextDate(period.to), parameters.timeZone).getTime();
    this.routineCategories = new Set(parameters.routineDisciplineCategories);
  }

  add(input: ReportInput): void {
    const counted = isCounted(input) ? input : undefined;
    const placed =
      counted?.status === "voided" ? counted : (counted?.incident ?? (input as RedactedIncident));
    const { scope } = this.request;
    if (scope.level === "school" && placed.schoolId !== scope.schoolId) return;
    const at = Date.parse(placed.occurredAt);
    if (!(at >= this.start && at < this.end)) return;
    if (counted?.status === "voided") {
      this.voided++;
      return;
    }
    const incident = placed as RedactedIncident;
    if (counted && counted.version > 1) this.corrected++;
    this.incidents++;
    if (incident.initiatedBy === "staff_request" && this.routineCategories.has(incident.category)) {
      this.routineDiscipline++;
    }
    let mentalHealth = incident.category === "mental_health_crisis";
    for (const student of incident.students) {
      if (student.role !== "subject") continue;
      this.subjects++;
      let bits = 1;
      for (const action of student.actions) bits |= POINT_BITS.get(action) ?? 0;
      if (bits & USE_OF_FORCE) this.useOfForce++;
      if (bits & SUPPORT) this.support++;
      if (bits & PSYCHIATRIC_HOLD) mentalHealth = true;
      if (bits & JUSTICE) {
        this.justice++;
        if (student.age !== undefined && student.age < JUVENILE_COURT_AGE) {
          this.justiceUnderTwelve++;
        }
      }
      if (ELEMENTARY_GRADES.has(student.grade)) {
        this.elementary++;
        if (bits & RESTRAINT) this.elementaryRestrained++;
      }
      const key = student.studentKey;
      let tally = key ? this.keyed.get(key) : undefined;
      if (!tally) {
        tally = {
          firstAt: at,
          firstOccurredAt: incident.occurredAt,
          firstId: incident.incidentId,
          groups: DIMENSIONS.map((dimension) => dimension.groupOf(student)),
          events: DECISION_POINT_NAMES.map(() => 0),
        };
        if (key) this.keyed.set(key, tally);
        else this.unkeyed.push(tally);
      } else if (isEarlier(at, incident.occurredAt, incident.incidentId, tally)) {
        // A student's groups are read only from an incident that is their
        // earliest so far: most repeat subjects skip the work.
        tally.firstAt = at;
        tally.firstOccurredAt = incident.occurredAt;
        tally.firstId = incident.incidentId;
        tally.groups = DIMENSIONS.map((dimension) => dimension.groupOf(student));
      }
      const { events } = tally;
      for (let position = 0; bits !== 0; position++, bits >>>= 1) {
        if (bits & 1) events[position]!++;
      }
    }
    if (mentalHealth) this.mentalHealth++;
  }

  /** Section 9's indicators, each over the base the contract gives it. */
  private indicators(): Indicators {
    const indicator = (count: number, base: number) => ({
      count,
      base,
      share: quotient(count, base),
    });
    return {
      routineDiscipline: indicator(this.routineDiscipline, this.incidents),
      mentalHealth: indicator(this.mentalHealth, this.incidents),
      useOfForce: indicator(this.useOfForce, this.subjects),
      restraintElementary: indicator(this.elementaryRestrained, this.elementary),
      underTwelveJustice: indicator(this.justiceUnderTwelve, this.justice),
      justiceVersusSupport: {
        ...indicator(this.justice, this.justice + this.support),
        supportCount: this.support,
      },
    };
  }

  /** `asOf`: the instant whose data was fed in, where the caller knows it. */
  report(enrollment: Enrollment, asOf: string | null = null): Report {
    const { request } = this;
    const { parameters } = request;
    const scoped = scopeEnrollment(
      enrollment,
      request.scope.level === "school" ? request.scope.schoolId : undefined,
    );
    const z = normalQuantile((1 + parameters.confidenceLevel) / 2);
    const tallies = [...this.keyed.values(), ...this.unkeyed];

    const tables: ReportTable[] = [];
    const contactStudents = new Map<DimensionName, Map<string, number>>();
    const references = new Map<DimensionName, string>();
    DECISION_POINT_NAMES.forEach((decisionPoint, position) => {
      for (const [dimensionIndex, dimension] of DIMENSIONS.entries()) {
        const groups = dimension.groups as readonly string[];
        const students = new Map<string, number>(groups.map((group) => [group, 0]));
        const events = new Map<string, number>(groups.map((group) => [group, 0]));
        let totalStudents = 0;
        let notRecorded = 0;
        for (const tally of tallies) {
          const count = tally.events[position] ?? 0;
          if (count === 0) continue;
          totalStudents++;
          const group = tally.groups[dimensionIndex];
          if (group === undefined) {
            notRecorded++;
            continue;
          }
          students.set(group, (students.get(group) ?? 0) + 1);
          events.set(group, (events.get(group) ?? 0) + count);
        }
        if (decisionPoint === "contact") contactStudents.set(dimension.name, students);
        const enrolled = (group: string) => scoped.get(dimension.name)?.get(group) ?? 0;
        const reference =
          dimension.reference ??
          groups.reduce(
            (best, group) => (enrolled(group) > enrolled(best) ? group : best),
            groups[0]!,
          );
        references.set(dimension.name, reference);
        const contact = contactStudents.get(dimension.name)!;
        const rate = (group: string) => {
          const numerator = students.get(group) ?? 0;
          const denominator =
            decisionPoint === "contact" ? enrolled(group) : (contact.get(group) ?? 0);
          const minimum = decisionPoint === "contact" ? parameters.minN : parameters.minCell;
          return { value: quotient(numerator, denominator), enough: denominator >= minimum };
        };
        const referenceRate = rate(reference);

        const rows = groups.map((group): ReportRow => {
          const a = students.get(group) ?? 0;
          const n1 = enrolled(group);
          const c = groups
            .filter((other) => other !== group)
            .reduce((sum, other) => sum + (students.get(other) ?? 0), 0);
          const n0 = groups
            .filter((other) => other !== group)
            .reduce((sum, other) => sum + enrolled(other), 0);
          const risk = quotient(a, n1);
          const comparisonRisk = quotient(c, n0);
          const riskRatioNote: RiskRatioNote =
            a < parameters.minCell
              ? "below_min_cell"
              : n1 < parameters.minN
                ? "below_min_n"
                : c < parameters.minCell
                  ? "comparison_below_min_cell"
                  : n0 < parameters.minN
                    ? "comparison_below_min_n"
                    : null;
          // Past the minimums both risks exist and the comparison's is above 0.
          const riskRatio = riskRatioNote === null ? risk! / comparisonRisk! : null;
          const interval =
            riskRatio !== null
              ? katzInterval(riskRatio, [a, n1, c, n0], z)
              : { ciLow: null, ciHigh: null };
          const exceedsThreshold = riskRatio !== null && riskRatio > parameters.riskRatioThreshold;
          const significant = interval.ciLow !== null && interval.ciLow > 1;
          const own = rate(group);
          const rri =
            own.enough && referenceRate.enough && referenceRate.value && own.value !== null
              ? own.value / referenceRate.value
              : null;
          return {
            group,
            enrollment: n1,
            students: a,
            events: events.get(group) ?? 0,
            risk,
            comparisonStudents: c,
            comparisonEnrollment: n0,
            comparisonRisk,
            riskRatio,
            riskRatioNote,
            ...interval,
            exceedsThreshold,
            significant,
            flagged: exceedsThreshold && significant,
            rri,
            suppressed: false,
          };
        });
        tables.push({ decisionPoint, dimension: dimension.name, totalStudents, notRecorded, rows });
      }
    });

    const report: Report = {
      reportVersion: 1,
      schoolYear: request.schoolYear,
      period: request.period,
      scope: request.scope,
      parameters,
      asOf,
      totals: {
        incidents: this.incidents,
        subjects: this.subjects,
        students: tallies.length,
        corrected: this.corrected,
        voided: this.voided,
      },
      tables,
      indicators: this.indicators(),
      // Activities are not incidents: computeReport reads them from their own table.
      activities: null,
    };
    return parameters.public ? suppressForPublication(report, references) : report;
  }
}
