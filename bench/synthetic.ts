import type { RedactedIncident } from "../shared/privacy/redact.ts";
import { DIMENSIONS } from "../shared/report/definitions.ts";

/**
 * Deterministic synthetic district data for benchmarks, the board-page
 * screenshot and tests: a student population with enrollment to match, and
 * incidents in which some groups are searched and arrested more often.
 */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const RACES = [
  ["american_indian_alaska_native", 0.01],
  ["asian", 0.12],
  ["black", 0.09],
  ["hispanic_latino", 0.48],
  ["middle_eastern_north_african", 0.02],
  ["native_hawaiian_pacific_islander", 0.01],
  ["white", 0.23],
  ["multiracial", 0.04],
] as const;
const GRADES = ["K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"] as const;

interface SyntheticStudent {
  key: string;
  school: string;
  race: readonly string[];
  gender: "male" | "female" | "nonbinary";
  disability: "yes" | "no";
  englishLearner: "yes" | "no";
  grade: (typeof GRADES)[number];
  /** How much more often this student's incidents end in search or arrest. */
  weight: number;
}

export const syntheticDistrict = ({ students = 20_000, schools = 8, seed = 7 } = {}) => {
  const random = prng(seed);
  const pick = <T>(options: ReadonlyArray<readonly [T, number]>) => {
    let roll = random();
    for (const [value, share] of options) {
      roll -= share;
      if (roll < 0) return value;
    }
    return options.at(-1)![0];
  };
  const population: SyntheticStudent[] = Array.from({ length: students }, (_, index) => {
    const race = pick(RACES);
    const disability = random() < 0.13 ? "yes" : "no";
    return {
      key: index.toString(16).padStart(64, "0"),
      school: `SCH-${1 + Math.floor(random() * schools)}`,
      race: race === "multiracial" ? ["black", "white"] : [race],
      gender: random() < 0.49 ? "female" : random() < 0.98 ? "male" : "nonbinary",
      disability,
      englishLearner: random() < 0.18 ? "yes" : "no",
      grade: GRADES[Math.floor(random() * GRADES.length)]!,
      weight: (race === "black" ? 2.6 : 1) * (disability === "yes" ? 1.8 : 1),
    };
  });

  const enrollmentCsv = () => {
    const counts = new Map<string, number>();
    const add = (school: string, dimension: string, group: string) => {
      const key = `${school},${dimension},${group}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    };
    for (const student of population) {
      for (const dimension of DIMENSIONS) {
        const group =
          dimension.name === "raceEthnicity"
            ? student.race.length > 1
              ? "multiracial"
              : student.race[0]!
            : dimension.name === "gradeBand"
              ? dimension.groupOf({ grade: student.grade } as never)!
              : (student as unknown as Record<string, string>)[dimension.name]!;
        add(student.school, dimension.name, group);
      }
    }
    return [
      "schoolYear,schoolId,dimension,group,enrollment",
      ...[...counts].map(([key, count]) => `2025-26,${key},${count}`),
    ].join("\n");
  };

  /** `count` incidents in the 2025-26 school year, each with one or two subjects and a witness. */
  function* incidents(count: number): Generator<RedactedIncident> {
    const start = Date.parse("2025-08-15T15:00:00Z");
    const span = Date.parse("2026-06-10T15:00:00Z") - start;
    for (let index = 0; index < count; index++) {
      const subjects = random() < 0.2 ? 2 : 1;
      const students = Array.from({ length: subjects }, () => {
        const student = population[Math.floor(random() * population.length)]!;
        const actions: string[] = ["questioned"];
        if (random() < 0.18 * student.weight) actions.push("searched_person");
        if (random() < 0.06 * student.weight) actions.push("arrest");
        if (random() < 0.08 * student.weight) actions.push("citation");
        if (random() < 0.3) actions.push("referral_to_school_administrator");
        if (random() < 0.02 * student.weight) actions.push("handcuffed");
        return {
          role: "subject",
          grade: student.grade,
          raceEthnicity: student.race,
          gender: student.gender,
          disability: student.disability,
          englishLearner: student.englishLearner,
          actions,
          studentKey: student.key,
          school: student.school,
        };
      });
      const occurredAt = new Date(start + Math.floor(random() * span)).toISOString();
      yield {
        incidentId: `00000000-0000-4000-8000-${index.toString(16).padStart(12, "0")}`,
        schemaVersion: 1,
        occurredAt,
        schoolId: students[0]!.school,
        location: "hallway",
        initiatedBy: "staff_request",
        category: "disruption",
        students: [
          ...students.map(({ school: _school, ...student }) => student),
          {
            role: "witness",
            grade: "10",
            raceEthnicity: ["not_recorded"],
            gender: "not_recorded",
            disability: "not_recorded",
            englishLearner: "not_recorded",
            actions: [],
          },
        ],
      } as RedactedIncident;
    }
  }

  return { population, enrollmentCsv, incidents };
};

/**
 * The synthetic district over several school years, each year its own
 * population (seed) moved to that year's dates: a trend's input, with one
 * enrollment file holding each year's rows.
 */
export const syntheticYears = (
  schoolYears: readonly string[],
  { students = 8000, incidentsPerYear = 3000, seed = 3 } = {},
) => {
  const enrollment = ["schoolYear,schoolId,dimension,group,enrollment"];
  const incidents: RedactedIncident[] = [];
  schoolYears.forEach((schoolYear, index) => {
    const shift = Number(schoolYear.slice(0, 4)) - 2025;
    const district = syntheticDistrict({ students, seed: seed + index });
    for (const line of district.enrollmentCsv().split("\n").slice(1)) {
      enrollment.push(line.replace(/^2025-26/, schoolYear));
    }
    for (const incident of district.incidents(incidentsPerYear)) {
      const at = new Date(incident.occurredAt);
      at.setUTCFullYear(at.getUTCFullYear() + shift);
      incidents.push({
        ...incident,
        incidentId: `${String(index).padStart(8, "0")}${incident.incidentId.slice(8)}`,
        occurredAt: at.toISOString(),
      });
    }
  });
  return { enrollmentCsv: enrollment.join("\n"), incidents };
};
