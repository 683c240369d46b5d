import type * as z from "zod";
import { formatPath } from "../incident/forbidden.ts";
import type { ErrorDetail } from "./errors.ts";

/**
 * One 422 detail per schema problem, at its JSON path. Zod's messages name
 * the expectation, never the input (see the schemas' fixed messages).
 */
export const issueToDetail = (issue: z.core.$ZodIssue): ErrorDetail => ({
  path: formatPath(issue.path as Array<string | number>) || "$",
  message: issue.message,
});
