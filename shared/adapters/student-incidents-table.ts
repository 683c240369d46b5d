import { TABLES } from "../../resources/declarations.ts";
import { requireEnv } from "../config.ts";
import type { StudentIncidentRecord } from "../privacy/redact-stage.ts";
import { putIfNewer } from "./put-once.ts";

const tableName = () => requireEnv(TABLES.studentIncidents.envVar);

/** One student's item of one incident, unless a newer version's is there already. */
export const putStudentIncidentIfNewer = (record: StudentIncidentRecord): Promise<boolean> =>
  putIfNewer(tableName(), "studentKey", { ...record });
