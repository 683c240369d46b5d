import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { prng } from "../../bench/synthetic.ts";

/**
 * A seeded multi-year data set of version-1 incident events and one
 * enrollment file holding each year's rows: the trend tests' common input,
 * through the CLI and through the pipeline alike.
 */
const example = JSON.parse(
  readFileSync(new URL("../fixtures/example-incident.json", import.meta.url), "utf8"),
);
export const TREND_SCHOOL: string = example.schoolId;

const RACES = [["black"], ["white"], ["hispanic_latino"], ["asian"], ["black", "white"]];
const ACTIONS = [
  "searched_person",
  "arrest",
  "citation",
  "handcuffed",
  "referral_to_support_services",
];

export const trendEvents = (schoolYears: readonly string[], perYear: number, seed = 11) => {
  const random = prng(seed);
  const events: Array<Record<string, any>> = [];
  schoolYears.forEach((schoolYear, yearIndex) => {
    const start = Date.parse(`${schoolYear.slice(0, 4)}-07-03T17:00:00Z`);
    for (let index = 0; index < perYear; index++) {
      const number = yearIndex * perYear + index;
      const race = RACES[Math.floor(random() * RACES.length)]!;
      // Black students are searched and arrested more often, and less so each year.
      const weight = race[0] === "black" ? 3 - yearIndex * 0.6 : 1;
      const actions = ["questioned", ...ACTIONS.filter(() => random() < 0.12 * weight)];
      const at = new Date(start + Math.floor(random() * 360) * 86_400_000);
      events.push({
        ...example,
        incidentId: `${String(number).padStart(8, "0")}-9b7e-4d2a-8f51-0c3e5a7b9d10`,
        occurredAt: at.toISOString().replace("Z", "+00:00"),
        narrative: `Incident ${number}.`,
        students: [
          {
            ...example.students[0],
            // Students recur within and across years.
            ref: { localId: `P${Math.floor(random() * 90)}` },
            grade: ["K", "4", "7", "10"][Math.floor(random() * 4)],
            age: 5 + Math.floor(random() * 13),
            raceEthnicity: race,
            gender: random() < 0.5 ? "male" : "female",
            disability: random() < 0.2 ? "yes" : "no",
            actions,
          },
          example.students[1],
        ],
      });
    }
  });
  return events;
};

export const trendEnrollmentCsv = (schoolYears: readonly string[], school = TREND_SCHOOL) => {
  const lines = ["schoolYear,schoolId,dimension,group,enrollment"];
  schoolYears.forEach((schoolYear, yearIndex) => {
    const groups: Record<string, Record<string, number>> = {
      raceEthnicity: {
        black: 60 + yearIndex * 5,
        white: 140,
        hispanic_latino: 150,
        asian: 40,
        multiracial: 10,
      },
      gender: { male: 200 + yearIndex * 5, female: 200 },
      disability: { yes: 80, no: 320 + yearIndex * 5 },
      englishLearner: { not_reported: 400 + yearIndex * 5 },
      gradeBand: { elementary: 150, middle: 100, high: 150 + yearIndex * 5 },
    };
    for (const [dimension, counts] of Object.entries(groups)) {
      for (const [group, count] of Object.entries(counts)) {
        lines.push(`${schoolYear},${school},${dimension},${group},${count}`);
      }
    }
  });
  return lines.join("\n");
};

/** What a trend's series entry copies from its period's report row. */
const SERIES_FIELDS = [
  "enrollment",
  "students",
  "risk",
  "riskRatio",
  "riskRatioNote",
  "ciLow",
  "ciHigh",
  "exceedsThreshold",
  "flagged",
  "suppressed",
];

/**
 * That a trend (its JSON) gives, for each period, that period's report run on
 * its own: the same indicators, tables in the same order, each row's series
 * entry the same as the period's row.
 */
export const expectSeriesOf = (trend: any, periods: any[]) => {
  periods.forEach((report, index) => {
    const { period: label, ...indicators } = trend.indicators[index];
    expect(label).toBe(trend.periods[index].label);
    expect(indicators).toEqual(report.indicators);
    report.tables.forEach((table: any, tableIndex: number) => {
      expect(trend.tables[tableIndex]).toMatchObject({
        decisionPoint: table.decisionPoint,
        dimension: table.dimension,
      });
      table.rows.forEach((row: any, rowIndex: number) => {
        const entry = trend.tables[tableIndex].rows[rowIndex].series[index];
        for (const field of SERIES_FIELDS) expect(entry[field]).toEqual(row[field]);
      });
    });
  });
};
