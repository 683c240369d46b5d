import type { Principal } from "../auth/claims.ts";
import { ApiError } from "../http/errors.ts";
import type { AuditNote } from "../http/handler.ts";
import { checkEnrollmentCsv, type Enrollment, problemText } from "../report/enrollment.ts";
import { schoolYearBounds } from "../report/request.ts";

export const MAX_ENROLLMENT_BYTES = 5 * 1024 * 1024;

export interface EnrollmentPorts {
  save(
    upload: { schoolYear: string; version: string; uploadedAt: string; uploadedBy: string },
    enrollment: Enrollment,
  ): Promise<void>;
  now(): Date;
  newVersion(): string;
}

const isCsv = (contentType: string | undefined) =>
  contentType?.split(";")[0]?.trim().toLowerCase() === "text/csv";

/**
 * PUT /enrollment/{schoolYear} (contracts section 4): a district analyst
 * replaces a year's enrollment with a CSV validated as the report CLI
 * validates it; readers switch from the old upload to the new one at once.
 */
export const uploadEnrollment = async (
  schoolYear: string | undefined,
  request: { contentType: string | undefined; body: Buffer },
  principal: Principal,
  audit: AuditNote,
  ports: EnrollmentPorts,
) => {
  if (principal.role !== "district_analyst") {
    throw new ApiError("FORBIDDEN", "Only a district analyst may upload enrollment.");
  }
  try {
    schoolYearBounds(schoolYear ?? "");
  } catch {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The school year must look like 2025-26.",
      [{ path: "schoolYear", message: "must look like 2025-26" }],
      400,
    );
  }
  audit.target = `enrollment:${schoolYear}`;
  if (!isCsv(request.contentType)) {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the enrollment as text/csv.");
  }
  if (request.body.byteLength > MAX_ENROLLMENT_BYTES) {
    throw new ApiError("PAYLOAD_TOO_LARGE", "The enrollment file is larger than 5 MiB.");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(request.body);
  } catch {
    throw new ApiError("VALIDATION_FAILED", "The file is not valid UTF-8 text.", [
      { path: "body", message: "not UTF-8" },
    ]);
  }
  const { enrollment, problems, truncated } = checkEnrollmentCsv(text, schoolYear!, "refuse");
  if (problems.length > 0) {
    throw new ApiError(
      "VALIDATION_FAILED",
      truncated
        ? `The enrollment file is not valid; the first ${problems.length} problems are listed.`
        : "The enrollment file is not valid.",
      problems.map((problem) => ({
        path: `line ${problem.line}`,
        message: problemText(problem),
        line: problem.line,
        column: problem.column,
      })),
    );
  }
  const upload = {
    schoolYear: schoolYear!,
    version: ports.newVersion(),
    uploadedAt: ports.now().toISOString(),
    uploadedBy: principal.userId,
  };
  await ports.save(upload, enrollment);
  const rows = [...enrollment.values()].reduce(
    (sum, school) => sum + [...school.values()].reduce((inner, groups) => inner + groups.size, 0),
    0,
  );
  return {
    schoolYear: upload.schoolYear,
    schools: enrollment.size,
    rows,
    version: upload.version,
    uploadedAt: upload.uploadedAt,
  };
};
