import { describe, expect, it } from "vitest";
import { progressWanted } from "../../cli/progress.ts";

describe("CLI progress", () => {
  it.each([
    [true, {}, true],
    [true, { CI: "" }, true],
    [true, { CI: "false" }, true],
    [true, { CI: "0" }, true],
    [true, { CI: "true" }, false],
    [true, { CI: "1" }, false],
    [true, { CI: "woodpecker" }, false],
    [false, {}, false],
    [undefined, {}, false],
    [false, { CI: "true" }, false],
  ])("on a terminal %j with %j: %j", (isTty, env, wanted) => {
    expect(progressWanted(isTty, env)).toBe(wanted);
  });
});
