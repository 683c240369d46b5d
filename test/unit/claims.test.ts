import { describe, expect, it } from "vitest";
import { principalFromClaims } from "../../shared/auth/claims.ts";
import { ApiError } from "../../shared/http/errors.ts";

const codeOf = (run: () => unknown) => {
  try {
    run();
    return undefined;
  } catch (thrown) {
    return thrown instanceof ApiError ? thrown.code : "other";
  }
};

describe("principalFromClaims", () => {
  it("reads API Gateway's flattened list claims", () => {
    const principal = principalFromClaims({
      sub: "u1",
      "cognito:groups": "[sro]",
      "custom:schoolIds": "A1,B-2",
    });
    expect(principal).toEqual({ userId: "u1", role: "sro", schoolIds: new Set(["A1", "B-2"]) });
  });

  it("reads list claims given as arrays", () => {
    expect(principalFromClaims({ sub: "u1", "cognito:groups": ["board"] }).role).toBe("board");
  });

  it("ignores groups that are not roles", () => {
    expect(principalFromClaims({ sub: "u1", "cognito:groups": "[everyone board]" }).role).toBe(
      "board",
    );
  });

  it.each([
    [undefined, "UNAUTHENTICATED"],
    [{}, "UNAUTHENTICATED"],
    [{ sub: "" }, "UNAUTHENTICATED"],
    [{ sub: "u1" }, "FORBIDDEN"],
    [{ sub: "u1", "cognito:groups": "[admin]" }, "FORBIDDEN"],
    [{ sub: "u1", "cognito:groups": "[sro board]" }, "FORBIDDEN"],
  ])("refuses %j with %s", (claims, code) => {
    expect(codeOf(() => principalFromClaims(claims as never))).toBe(code);
  });
});
