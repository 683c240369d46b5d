import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { isIncidentId } from "../../shared/incident/key.ts";

describe("the incident id check of the read functions", () => {
  const schema = z.guid();
  it("agrees with the event schema's guid on UUIDs, near-UUIDs and anything else", () => {
    const nearUuid = fc
      .tuple(fc.uuid(), fc.nat({ max: 40 }), fc.constantFrom("", "x", "-", "G", " ", "0"))
      .map(([uuid, at, insert]) => uuid.slice(0, at) + insert + uuid.slice(at + 1));
    fc.assert(
      fc.property(fc.oneof(fc.uuid(), nearUuid, fc.string(), fc.anything()), (value) => {
        expect(isIncidentId(value)).toBe(schema.safeParse(value).success);
      }),
      { numRuns: 2000 },
    );
    expect(isIncidentId("6F1C2A34-9B7E-4D2A-8F51-0C3E5A7B9D10")).toBe(true);
  });
});
