import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../shared/http/errors.ts";
import {
  MAX_BODY_BYTES,
  parseJsonBody,
  validateIncidentEvent,
} from "../../shared/incident/validate.ts";
import { EXAMPLE_INCIDENT, newIncident } from "../support/local-stack.ts";

const refusal = (run: () => unknown): ApiError => {
  try {
    run();
  } catch (thrown) {
    if (thrown instanceof ApiError) return thrown;
    throw thrown;
  }
  throw new Error("expected a refusal");
};

const problems = (body: unknown) => {
  const error = refusal(() => validateIncidentEvent(body));
  return { code: error.code, paths: (error.details ?? []).map((detail) => detail.path) };
};

const withStudent = (changes: Record<string, unknown>, index = 0) => {
  const incident = newIncident();
  incident.students[index] = { ...incident.students[index], ...changes };
  return incident;
};

describe("incident event v1", () => {
  it("accepts the contract's example", () => {
    expect(validateIncidentEvent(EXAMPLE_INCIDENT).incidentId).toBe(EXAMPLE_INCIDENT.incidentId);
  });

  it.each([
    ["occurredAt without an offset", { occurredAt: "2026-02-03T10:15:00" }, "occurredAt"],
    ["occurredAt as a date only", { occurredAt: "2026-02-03" }, "occurredAt"],
    ["occurredAt before 2000", { occurredAt: "1999-12-31T23:59:59Z" }, "occurredAt"],
    [
      "occurredAt over 5 minutes ahead",
      { occurredAt: new Date(Date.now() + 6 * 60_000).toISOString() },
      "occurredAt",
    ],
    ["incidentId not a UUID", { incidentId: "incident-1" }, "incidentId"],
    ["schemaVersion 2", { schemaVersion: 2 }, "schemaVersion"],
    ["schoolId with a slash", { schoolId: "19/64" }, "schoolId"],
    ["schoolId of 33 characters", { schoolId: "a".repeat(33) }, "schoolId"],
    ["an unknown location", { location: "roof" }, "location"],
    ["an unknown initiatedBy", { initiatedBy: "principal" }, "initiatedBy"],
    ["an unknown category", { category: "loitering" }, "category"],
    ["no students", { students: [] }, "students"],
    ["61 students", { students: Array(61).fill(EXAMPLE_INCIDENT.students[0]) }, "students"],
    ["narrative over 8000 characters", { narrative: "a".repeat(8001) }, "narrative"],
    [
      "an education code section in another form",
      { educationCodeSections: ["PC 148"] },
      "educationCodeSections[0]",
    ],
    ["61 other persons", { otherPersons: Array(61).fill({ role: "staff" }) }, "otherPersons"],
    ["an unknown person role", { otherPersons: [{ role: "sibling" }] }, "otherPersons[0].role"],
  ])("refuses %s", (_, changes, path) => {
    const result = problems({ ...newIncident(), ...changes });
    expect(result.code).toBe("VALIDATION_FAILED");
    expect(result.paths).toContain(path);
  });

  it.each([
    ["grade 13", { grade: "13" }, "students[0].grade"],
    ["age 2", { age: 2 }, "students[0].age"],
    ["age 23", { age: 23 }, "students[0].age"],
    ["a fractional age", { age: 15.5 }, "students[0].age"],
    [
      "not_recorded beside a category",
      { raceEthnicity: ["not_recorded", "white"] },
      "students[0].raceEthnicity",
    ],
    [
      "a repeated race category",
      { raceEthnicity: ["white", "white"] },
      "students[0].raceEthnicity",
    ],
    ["no race entry", { raceEthnicity: [] }, "students[0].raceEthnicity"],
    ["a repeated action", { actions: ["arrest", "arrest"] }, "students[0].actions"],
    ["an unknown action", { actions: ["tased"] }, "students[0].actions[0]"],
    ["an unknown contraband", { contraband: ["knife"] }, "students[0].contraband[0]"],
    ["an unknown gender", { gender: "m" }, "students[0].gender"],
    ["a missing role", { role: undefined }, "students[0].role"],
    [
      "an impossible date of birth",
      { ref: { dateOfBirth: "2010-02-30" } },
      "students[0].ref.dateOfBirth",
    ],
    [
      "a date of birth in another format",
      { ref: { dateOfBirth: "04/05/2010" } },
      "students[0].ref.dateOfBirth",
    ],
    ["an empty first name", { ref: { firstName: "" } }, "students[0].ref.firstName"],
    ["a 33-character local id", { ref: { localId: "1".repeat(33) } }, "students[0].ref.localId"],
  ])("refuses a student with %s", (_, changes, path) => {
    const result = problems(withStudent(changes));
    expect(result.code).toBe("VALIDATION_FAILED");
    expect(result.paths).toContain(path);
  });

  it("refuses the same localId twice in one incident", () => {
    const incident = newIncident();
    incident.students[1].ref = { localId: incident.students[0].ref.localId };
    expect(problems(incident).paths).toEqual(["students[1].ref.localId"]);
  });

  it("accepts not_recorded alone, all seven categories, and an empty ref", () => {
    const incident = newIncident();
    incident.students[0].raceEthnicity = [
      "american_indian_alaska_native",
      "asian",
      "black",
      "hispanic_latino",
      "middle_eastern_north_african",
      "native_hawaiian_pacific_islander",
      "white",
    ];
    incident.students[1].ref = {};
    expect(() => validateIncidentEvent(incident)).not.toThrow();
  });

  it("checks forbidden fields before the schema, and the narrative after it", () => {
    expect(problems({ ...newIncident(), Citizenship: "x", location: "roof" }).code).toBe(
      "FORBIDDEN_FIELD",
    );
    expect(problems({ ...newIncident(), narrative: "deported", location: "roof" }).code).toBe(
      "VALIDATION_FAILED",
    );
    expect(problems({ ...newIncident(), narrative: "deported" }).code).toBe("FORBIDDEN_CONTENT");
  });
});

describe("parseJsonBody", () => {
  const body = (text: string) => Buffer.from(text);
  it.each([
    [undefined, "UNSUPPORTED_MEDIA_TYPE"],
    ["text/json", "UNSUPPORTED_MEDIA_TYPE"],
    ["application/json-patch+json", "UNSUPPORTED_MEDIA_TYPE"],
  ])("refuses content type %s", (contentType, code) => {
    expect(refusal(() => parseJsonBody({ contentType, body: body("{}") })).code).toBe(code);
  });

  it("refuses escapes that spell half a surrogate pair, and keeps whole pairs", () => {
    const parse = (text: string) => () =>
      parseJsonBody({ contentType: "application/json", body: body(text) });
    expect(refusal(parse('{"narrative":"a\\ud800b"}')).code).toBe("MALFORMED_JSON");
    expect(refusal(parse('{"x\\udfff":1}')).code).toBe("MALFORMED_JSON");
    expect(parse('{"narrative":"\\ud83d\\ude00 😀"}')()).toEqual({ narrative: "😀 😀" });
    expect(parse('{"narrative":"typed \\\\ud800 as text"}')()).toEqual({
      narrative: "typed \\ud800 as text",
    });
  });

  it("accepts application/json with parameters and any case", () => {
    expect(
      parseJsonBody({ contentType: " APPLICATION/JSON ; charset=UTF-8", body: body("{}") }),
    ).toEqual({});
  });

  it("measures the limit in bytes, not characters", () => {
    const atLimit = `"${"é".repeat((MAX_BODY_BYTES - 2) / 2)}"`;
    expect(Buffer.byteLength(atLimit)).toBe(MAX_BODY_BYTES);
    expect(() =>
      parseJsonBody({ contentType: "application/json", body: body(atLimit) }),
    ).not.toThrow();
    const over = Buffer.from(`${atLimit} `);
    expect(
      refusal(() => parseJsonBody({ contentType: "application/json", body: over })).status,
    ).toBe(413);
  });

  it("refuses invalid UTF-8, truncated nesting and deep nesting with their own codes", () => {
    const invalid = Buffer.from([0x22, 0xc3, 0x28, 0x22]);
    expect(
      refusal(() => parseJsonBody({ contentType: "application/json", body: invalid })).code,
    ).toBe("MALFORMED_JSON");
    const truncated = body("[".repeat(100_000));
    expect(
      refusal(() => parseJsonBody({ contentType: "application/json", body: truncated })).code,
    ).toBe("MALFORMED_JSON");
    const deep = JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    expect(refusal(() => validateIncidentEvent(deep)).code).toBe("VALIDATION_FAILED");
    let nested: unknown = { immigration: 1 };
    for (let i = 0; i < 1000; i++) nested = { x: nested };
    const forbidden = refusal(() => validateIncidentEvent(nested));
    expect(forbidden.code).toBe("FORBIDDEN_FIELD");
    expect(forbidden.details?.[0]?.path).toBe(`${Array(1000).fill("*").join(".")}.immigration`);
  });
});

describe("error bodies never echo a submitted value", () => {
  // Values long and odd enough that they cannot appear in a fixed message by chance.
  const secret = fc.stringMatching(/^[A-Za-z]{6}[0-9]{4}[A-Za-z]{4}$/);
  const placements: Array<(incident: any, value: string) => void> = [
    (incident, value) => (incident[value] = "x"),
    (incident, value) => (incident.students[0].ref[value] = 1),
    (incident, value) => (incident.location = value),
    (incident, value) => (incident.students[0].grade = value),
    (incident, value) => (incident.schoolId = `${value}!`),
    (incident, value) => (incident.students[0].ref.firstName = value.repeat(10)),
    (incident, value) => (incident.students[0].actions = [value]),
    (incident, value) => (incident.otherPersons = [{ role: "staff", [value]: "y" }]),
    (incident, value) => (incident.narrative = `${value} was deported`),
    (incident, value) => (incident.occurredAt = value),
    (incident, value) => (incident.students[0].ref.dateOfBirth = value),
    (incident, value) => (incident[value] = { citizenship: 1 }),
    (incident, value) => (incident.students[0][value] = [{ "Visa-Status": 1 }]),
  ];

  it("for any placement of a value in a refused body", () => {
    fc.assert(
      fc.property(secret, fc.subarray(placements, { minLength: 1 }), (value, chosen) => {
        const incident = newIncident();
        for (const place of chosen) place(incident, value);
        const error = refusal(() => validateIncidentEvent(incident));
        expect(JSON.stringify(error.toBody())).not.toContain(value);
      }),
    );
  });
});
