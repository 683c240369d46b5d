import { describe, expect, it } from "vitest";
import type { Person } from "../../shared/incident/schema.ts";
import { foldForMatching, scrubNarrative } from "../../shared/privacy/narrative.ts";

type Ref = { localId?: string; firstName?: string; lastName?: string; dateOfBirth?: string };
const subjects = (students: Ref[], otherPersons: Person[] = []) => ({
  students: students.map((ref) => ({ ref })),
  otherPersons,
});

const marisol = {
  localId: "S3000123",
  firstName: "Marisol",
  lastName: "Quintero",
  dateOfBirth: "2009-11-23",
};
const devon = { firstName: "Devon" };
const park: Person = { role: "staff", firstName: "Ellen", lastName: "Park" };
const example = subjects([marisol, devon], [park]);

describe("scrubNarrative: names", () => {
  it.each([
    [
      "Ms. Park asked me to separate Marisol and another student. Devon saw it.",
      "Ms. [STAFF 1] asked me to separate [STUDENT 1] and another student. [STUDENT 2] saw it.",
    ],
    ["Marisol Quintero left.", "[STUDENT 1] left."],
    ["Quintero, Marisol left.", "[STUDENT 1] left."],
    ["MARISOL QUINTERO left; marisol came back.", "[STUDENT 1] left; [STUDENT 1] came back."],
    ["Marisol's bag and Quintero's phone", "[STUDENT 1]'s bag and [STUDENT 1]'s phone"],
    ["Marisol’s bag", "[STUDENT 1]’s bag"],
    ["Devon. Devon! Devon?", "[STUDENT 2]. [STUDENT 2]! [STUDENT 2]?"],
    ["Devonshire Road and Parkside", "Devonshire Road and Parkside"],
    ["Ellen Park, the vice principal", "[STAFF 1], the vice principal"],
  ])("%s", (narrative, expected) => {
    expect(scrubNarrative(narrative, example)).toBe(expected);
  });

  it("redacts names that are also common words, in any case", () => {
    const people = subjects([{ firstName: "Will", lastName: "Hope" }, { firstName: "May" }]);
    expect(scrubNarrative("Will said he will not hope for May; may I ask?", people)).toBe(
      "[STUDENT 1] said he [STUDENT 1] not [STUDENT 1] for [STUDENT 2]; [STUDENT 2] I ask?",
    );
  });

  it("redacts hyphenated and accented names however they are written", () => {
    const people = subjects([
      { firstName: "Mary-Jane", lastName: "Núñez-García" },
      { firstName: "José" },
    ]);
    expect(
      scrubNarrative(
        "Mary-Jane Núñez-García and Mary Jane and MaryJane; Nunez Garcia; Jose and JOSÉ; García's coat; Mary alone",
        people,
      ),
    ).toBe(
      "[STUDENT 1] and [STUDENT 1] and [STUDENT 1]; [STUDENT 1]; [STUDENT 2] and [STUDENT 2]; [STUDENT 1]'s coat; [STUDENT 1] alone",
    );
  });

  it("redacts apostrophe spellings, plurals and plural possessives", () => {
    const people = subjects([{ firstName: "D'Angelo", lastName: "O'Brien" }], [park]);
    expect(
      scrubNarrative(
        "D’Angelo, DAngelo, D Angelo, OBrien, O’Brien's bag, the D'Angelos, the Parks and the Parks' car",
        people,
      ),
    ).toBe(
      "[STUDENT 1], [STUDENT 1], [STUDENT 1], [STUDENT 1], [STUDENT 1]'s bag, the [STUDENT 1], the [STAFF 1] and the [STAFF 1] car",
    );
  });

  it("numbers other persons within their role, in list order", () => {
    const people = subjects(
      [],
      [
        { role: "parent_guardian", firstName: "Ana" },
        { role: "staff", firstName: "Bo" },
        { role: "parent_guardian", lastName: "Reyes" },
        { role: "other_adult", firstName: "Cy" },
        { role: "non_student_minor", firstName: "Dee" },
      ],
    );
    expect(scrubNarrative("Ana, Bo, Mr. Reyes, Cy and Dee", people)).toBe(
      "[PARENT 1], [STAFF 1], Mr. [PARENT 2], [ADULT 1] and [MINOR 1]",
    );
  });

  it("handles a name at the start of a sentence and the middle initial of a full name", () => {
    expect(scrubNarrative("Marisol A. Quintero ran. Quintero stopped.", example)).toBe(
      "[STUDENT 1] ran. [STUDENT 1] stopped.",
    );
  });

  it("gives a name shared by two people the first one's token", () => {
    const people = subjects([{ firstName: "Sam" }, { firstName: "Sam", lastName: "Ortiz" }]);
    expect(scrubNarrative("Sam and Sam Ortiz", people)).toBe("[STUDENT 1] and [STUDENT 2]");
  });
});

describe("scrubNarrative: contact details and identifiers", () => {
  it.each([
    ["Mail marisol.q@example.org today", "Mail [EMAIL] today"],
    ["mail marisol.quintero@school.k12.ca.us", "mail [EMAIL]"],
    [
      "Call (555) 123-4567 or 555.123.4567 or +1 555 123 4567 or 5551234567",
      "Call [PHONE] or [PHONE] or [PHONE] or [PHONE]",
    ],
    ["SSN 123-45-6789 and 123 45 6789", "SSN [SSN] and [SSN]"],
    ["SSN 123.45.6789 and 123–45–6789", "SSN [SSN] and [SSN]"],
    ["Call 555–123–4567 or 555-1234", "Call [PHONE] or [PHONE]"],
    [
      "At 123 St. Charles Ave and 4500 W. Martin Luther King Jr. Blvd.",
      "At [ADDRESS] and [ADDRESS]",
    ],
    [
      "Her id S3000123 and ids3000123x and s3000123's",
      "Her id [STUDENT ID] and id[STUDENT ID]x and [STUDENT ID]'s",
    ],
    [
      "Lives at 1234 Oak St. near 55 West Elm Avenue, Apt 4B.",
      "Lives at [ADDRESS] near [ADDRESS].",
    ],
    ["Lives at 9 Rue Street", "Lives at [ADDRESS]"],
    [
      "Room 12 at 3 pm; 48900(a)(1) applies; 2 students",
      "Room 12 at 3 pm; 48900(a)(1) applies; 2 students",
    ],
  ])("%s", (narrative, expected) => {
    expect(scrubNarrative(narrative, example)).toBe(expected);
  });

  it.each([
    "2009-11-23",
    "11/23/2009",
    "11-23-2009",
    "11/23/09",
    "23/11/2009",
    "23.11.2009",
    "2009/11/23",
    "Nov 23, 2009",
    "Nov. 23 2009",
    "November 23, 2009",
    "november 23rd, 2009",
    "23 November 2009",
    "23rd of November, 2009",
    "23 Nov 2009",
    "23NOV2009",
    "23-Nov-2009",
    "Nov-23-2009",
    "Nov 23 09",
    "Nov 23, '09",
    "23 Nov 09",
    "11232009",
    "20091123",
    "11–23–2009",
  ])("redacts the student's date of birth written as %s", (date) => {
    expect(scrubNarrative(`Born ${date}, per the student.`, example)).toBe(
      "Born [DOB], per the student.",
    );
  });

  it("redacts leading-zero dates and leaves other dates alone", () => {
    const people = subjects([{ dateOfBirth: "2010-04-05" }]);
    expect(scrubNarrative("DOB 04/05/2010 or 4/5/2010; incident on 2026-02-03", people)).toBe(
      "DOB [DOB] or [DOB]; incident on 2026-02-03",
    );
  });

  it("prefers the longest match: a name inside an address or a date, a name in an e-mail", () => {
    const people = subjects([{ firstName: "May", lastName: "Oak", dateOfBirth: "2010-05-05" }]);
    expect(scrubNarrative("May 5, 2010 at 12 Oak Street; may.oak@x.org", people)).toBe(
      "[DOB] at [ADDRESS]; [EMAIL]",
    );
  });

  it("leaves a narrative without identifying data as it was", () => {
    const text = "Two students argued in the hallway; both were sent to the office at 10:15.";
    expect(scrubNarrative(text, example)).toBe(text);
  });
});

describe("foldForMatching", () => {
  it("keeps every position", () => {
    for (const text of ["Núñez", "İstanbul", "ß", "e\u0301", "😀 Zoë"]) {
      expect(foldForMatching(text).length).toBe(text.length);
    }
  });
});
