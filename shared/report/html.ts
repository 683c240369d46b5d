import { indicatorCover } from "./indicators.ts";
import type { Report, ReportRow, ReportTable } from "./model.ts";

/**
 * The board page: one self-contained HTML file (inline CSS and SVG, no
 * scripts), printable, written for readers who are not statisticians.
 */

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export const DECISION_LABELS: Record<string, string> = {
  contact: "any contact with an officer",
  search: "a search of their person or property",
  restraint: "handcuffing",
  use_of_force: "use of force",
  citation: "a citation",
  arrest: "arrest",
  referral_to_prosecution: "referral to prosecution",
  referral_to_school_administrator: "referral to a school administrator",
  referral_to_support_services: "referral to support services",
  removed_from_campus: "removal from campus",
  psychiatric_hold: "a psychiatric hold",
};

export const DIMENSION_LABELS: Record<string, string> = {
  raceEthnicity: "Race and ethnicity",
  gender: "Gender",
  disability: "Disability",
  englishLearner: "English learners",
  gradeBand: "Grade level",
};

const GROUP_LABELS: Record<string, Record<string, string>> = {
  raceEthnicity: {
    american_indian_alaska_native: "American Indian or Alaska Native",
    asian: "Asian",
    black: "Black or African American",
    hispanic_latino: "Hispanic or Latino",
    middle_eastern_north_african: "Middle Eastern or North African",
    native_hawaiian_pacific_islander: "Native Hawaiian or Pacific Islander",
    white: "White",
    multiracial: "More than one race",
  },
  gender: { male: "Male", female: "Female", nonbinary: "Nonbinary" },
  disability: { yes: "Students with a disability", no: "Students without a disability" },
  englishLearner: { yes: "English learners", no: "Not English learners" },
  gradeBand: { elementary: "Elementary (TK–5)", middle: "Middle (6–8)", high: "High (9–12)" },
};

export const groupLabel = (dimension: string, group: string) =>
  GROUP_LABELS[dimension]?.[group] ?? group;
const percent = (value: number | null) =>
  value === null ? "—" : `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`;
export const ratio = (value: number | null) => (value === null ? "—" : value.toFixed(2));

export const NOTE_TEXT: Record<string, string> = {
  below_min_cell: "too few students in this group to compare",
  below_min_n: "too few students enrolled in this group to compare",
  comparison_below_min_cell: "too few students in the other groups to compare",
  comparison_below_min_n: "too few students enrolled in the other groups to compare",
  suppressed: "hidden to protect privacy",
  comparison_suppressed: "not compared: the other groups' total would reveal a hidden number",
};

/** A withheld number reads as such: it may be small, or it would give a small one away. */
export const WITHHELD = "withheld to protect privacy";

const sentence = (table: ReportTable, row: ReportRow, confidence: number) =>
  `${escapeHtml(groupLabel(table.dimension, row.group))}: ${ratio(row.riskRatio)} times as likely as other students to face ${escapeHtml(DECISION_LABELS[table.decisionPoint] ?? table.decisionPoint)} (${Math.round(confidence * 100)}% interval ${ratio(row.ciLow)} to ${ratio(row.ciHigh)}).`;

/** Share of students with the action beside share of enrollment, one pair of bars per group. */
const sharesChart = (table: ReportTable) => {
  const withAction = table.rows.reduce((sum, row) => sum + (row.students ?? 0), 0);
  const enrolled = table.rows.reduce((sum, row) => sum + row.enrollment, 0);
  const rowHeight = 34;
  const width = 640;
  const labelWidth = 230;
  const barWidth = width - labelWidth - 70;
  const height = table.rows.length * rowHeight + 24;
  const bars = table.rows
    .map((row, index) => {
      const y = 20 + index * rowHeight;
      const actionShare =
        row.suppressed || withAction === 0 ? null : (row.students ?? 0) / withAction;
      const enrollmentShare = enrolled === 0 ? null : row.enrollment / enrolled;
      const label = escapeHtml(groupLabel(table.dimension, row.group));
      const actionBar =
        actionShare === null
          ? `<text x="${labelWidth}" y="${y + 10}" class="muted">${row.suppressed ? "hidden (small number)" : "no students"}</text>`
          : `<rect x="${labelWidth}" y="${y}" width="${(actionShare * barWidth).toFixed(1)}" height="12" class="action"/><text x="${labelWidth + actionShare * barWidth + 4}" y="${y + 10}">${percent(actionShare)}</text>`;
      const enrollmentBar =
        enrollmentShare === null
          ? ""
          : `<rect x="${labelWidth}" y="${y + 14}" width="${(enrollmentShare * barWidth).toFixed(1)}" height="12" class="enrolled"/><text x="${labelWidth + enrollmentShare * barWidth + 4}" y="${y + 24}">${percent(enrollmentShare)}</text>`;
      return `<text x="0" y="${y + 17}">${label}</text>${actionBar}${enrollmentBar}`;
    })
    .join("");
  return `<svg role="img" aria-label="Share of students with this action and share of enrollment, by group" viewBox="0 0 ${width} ${height}" width="100%">
<text x="${labelWidth}" y="10" class="legend"><tspan class="action-key">■</tspan> share of students with this action  <tspan class="enrolled-key">■</tspan> share of enrollment</text>${bars}</svg>`;
};

/** Risk ratios as bars with interval whiskers and the threshold line, on a log scale. */
const riskRatioChart = (table: ReportTable, threshold: number) => {
  const rowHeight = 26;
  const width = 640;
  const labelWidth = 230;
  const plotWidth = width - labelWidth - 90;
  const max = 32;
  const min = 1 / 8;
  const x = (value: number) =>
    labelWidth +
    (Math.log(Math.min(Math.max(value, min), max) / min) / Math.log(max / min)) * plotWidth;
  const height = table.rows.length * rowHeight + 30;
  const ticks = [0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32]
    .map(
      (tick) =>
        `<line x1="${x(tick).toFixed(1)}" y1="14" x2="${x(tick).toFixed(1)}" y2="${height - 4}" class="grid"/><text x="${x(tick).toFixed(1)}" y="10" class="tick">${tick < 1 ? `1/${1 / tick}` : tick}</text>`,
    )
    .join("");
  const rows = table.rows
    .map((row, index) => {
      const y = 22 + index * rowHeight;
      const label = `<text x="0" y="${y + 9}">${escapeHtml(groupLabel(table.dimension, row.group))}</text>`;
      if (row.riskRatio === null) {
        return `${label}<text x="${labelWidth}" y="${y + 9}" class="muted">${escapeHtml(NOTE_TEXT[row.riskRatioNote ?? ""] ?? "not computed")}</text>`;
      }
      const barClass = row.flagged ? "flagged" : row.exceedsThreshold ? "high" : "ratio";
      const whisker =
        row.ciLow !== null && row.ciHigh !== null
          ? `<line x1="${x(row.ciLow).toFixed(1)}" y1="${y + 5}" x2="${x(row.ciHigh).toFixed(1)}" y2="${y + 5}" class="whisker"/><line x1="${x(row.ciLow).toFixed(1)}" y1="${y}" x2="${x(row.ciLow).toFixed(1)}" y2="${y + 10}" class="whisker"/><line x1="${x(row.ciHigh).toFixed(1)}" y1="${y}" x2="${x(row.ciHigh).toFixed(1)}" y2="${y + 10}" class="whisker"/>`
          : "";
      const from = Math.min(x(1), x(row.riskRatio));
      const to = Math.max(x(1), x(row.riskRatio));
      return `${label}<rect x="${from.toFixed(1)}" y="${y}" width="${(to - from).toFixed(1)}" height="10" class="${barClass}"/>${whisker}<text x="${width - 80}" y="${y + 9}">${ratio(row.riskRatio)}${row.flagged ? " ⚑" : ""}</text>`;
    })
    .join("");
  return `<svg role="img" aria-label="Risk ratio by group, with interval and threshold" viewBox="0 0 ${width} ${height}" width="100%">${ticks}<line x1="${x(threshold).toFixed(1)}" y1="14" x2="${x(threshold).toFixed(1)}" y2="${height - 4}" class="threshold"/>${rows}</svg>`;
};

const tableSection = (table: ReportTable, report: Report) => {
  const { riskRatioThreshold } = report.parameters;
  const rows = table.rows
    .map(
      (row) =>
        `<tr${row.flagged ? ' class="flag"' : ""}><th scope="row">${escapeHtml(groupLabel(table.dimension, row.group))}</th><td>${row.enrollment}</td><td>${row.suppressed ? "<em>hidden</em>" : (row.students ?? "—")}</td><td>${percent(row.risk)}</td><td>${ratio(row.riskRatio)}</td><td>${row.ciLow === null ? "—" : `${ratio(row.ciLow)}–${ratio(row.ciHigh)}`}</td><td>${ratio(row.rri)}</td><td>${row.flagged ? "flagged" : row.riskRatio === null ? escapeHtml(NOTE_TEXT[row.riskRatioNote ?? ""] ?? "") : ""}</td></tr>`,
    )
    .join("");
  return `<section class="table"><h3>${escapeHtml(DIMENSION_LABELS[table.dimension] ?? table.dimension)}</h3>
<p class="muted">Students with this action: ${table.totalStudents ?? WITHHELD}; of them, ${table.notRecorded ?? WITHHELD} with no recorded ${escapeHtml((DIMENSION_LABELS[table.dimension] ?? "").toLowerCase())}.</p>
${sharesChart(table)}
<p class="muted caption">Risk ratio against all other students (bar, log scale), with its interval (whiskers); the dashed line is the threshold of ${ratio(riskRatioThreshold)}.</p>
${riskRatioChart(table, riskRatioThreshold)}
<div class="scroll" role="region" tabindex="0" aria-label="${escapeHtml(DIMENSION_LABELS[table.dimension] ?? table.dimension)}: ${escapeHtml(DECISION_LABELS[table.decisionPoint] ?? table.decisionPoint)}, table"><table><thead><tr><th scope="col">Group</th><th scope="col">Enrolled</th><th scope="col">Students</th><th scope="col">Risk</th><th scope="col">Risk ratio</th><th scope="col">Interval</th><th scope="col">RRI</th><th scope="col">Note</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
};

const shareText = (share: number | null) =>
  share === null ? "" : ` (${(share * 100).toFixed(1)}%)`;

const listText = (items: readonly string[]) =>
  items.length < 2
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;

/** The board policy's questions as sentences, each with what it counts. */
const indicatorsSection = (report: Report) => {
  const { indicators, parameters } = report;
  const cover = parameters.public ? indicatorCover(report.tables) : undefined;
  // A public null is either a small number or one that would reveal a hidden cell.
  const figure = (value: number | null, covered = false) =>
    value !== null
      ? String(value)
      : covered
        ? "an undisclosed number"
        : `fewer than ${parameters.minCell}`;
  // Before a noun: "an undisclosed number of citations", "12 citations".
  const figureOf = (value: number | null, covered = false) =>
    value === null && covered ? `${figure(value, covered)} of` : figure(value, covered);
  const categories = escapeHtml(
    listText(
      parameters.routineDisciplineCategories.map((category) => `“${category.replace(/_/g, " ")}”`),
    ),
  );
  const {
    routineDiscipline: routine,
    mentalHealth,
    useOfForce,
    restraintElementary: restraint,
    underTwelveJustice: underTwelve,
    justiceVersusSupport: versus,
  } = indicators;
  const items = [
    `${figure(routine.count)} of ${figure(routine.base)} incidents${shareText(routine.share)} were routine discipline referred by staff. <span class="muted">Incidents a staff member called the officer in for, in the categories ${categories}.</span>`,
    `${figure(mentalHealth.count)} of ${figure(mentalHealth.base)} incidents${shareText(mentalHealth.share)} were a mental health crisis. <span class="muted">Incidents in that category, or in which a student was placed on a psychiatric hold.</span>`,
    `In ${figure(useOfForce.count, cover?.useOfForceCount)} of ${figureOf(useOfForce.base, cover?.useOfForceBase)} student contacts${shareText(useOfForce.share)} the officer used force. <span class="muted">A contact is one student in one incident; a student in two incidents is two contacts.</span>`,
    `In ${figure(restraint.count, cover?.restraintElementary)} of ${figureOf(restraint.base, cover?.restraintElementary)} contacts with elementary students${shareText(restraint.share)} the student was handcuffed. <span class="muted">Students in grades TK to 5, counted per incident.</span>`,
    `${figure(underTwelve.count)} of ${figureOf(underTwelve.base, cover?.justiceCount)} citations, arrests or referrals to prosecution${shareText(underTwelve.share)} were of children under 12. <span class="muted">California's juvenile court takes no one younger than 12; a contact with no recorded age is not counted as under 12.</span>`,
    `Students were cited, arrested or referred to prosecution ${figure(versus.count, cover?.justiceCount)} times and referred to support services ${figure(versus.supportCount, cover?.supportCount)} times${versus.share === null ? "" : `: ${(versus.share * 100).toFixed(1)}% of these outcomes were the justice system`}. <span class="muted">Per student per incident; a student both cited and referred to support counts on both sides.</span>`,
  ];
  const undisclosed = items.some((item) => item.includes("an undisclosed number"))
    ? `<p class="muted">An undisclosed number is ${WITHHELD}: with the other published numbers it would let someone work out a hidden count.</p>`
    : "";
  return `<ul class="indicators">${items.map((item) => `<li>${item}</li>`).join("")}</ul>${undisclosed}`;
};

export const ACTIVITY_LABELS: Record<string, string> = {
  classroom_presentation: "Classroom presentations",
  parent_education: "Parent education",
  staff_training_delivered: "Training given to staff",
  student_engagement: "Student engagement",
  resource_linkage: "Linking students or families to services",
  safety_planning_or_drill: "Safety planning and drills",
  campus_patrol: "Campus patrol",
  training_received: "Training the officers received",
  other: "Other",
};

/** What officers did besides incidents, in hours and sessions, by kind of work. */
const activitiesSection = (report: Report) => {
  const { activities } = report;
  if (activities === null) {
    return "<p>Not included: this report was made from a file of incidents, which holds no officer activities.</p>";
  }
  const types = Object.entries(activities.byType);
  if (types.length === 0) return "<p>No officer activities were recorded for this period.</p>";
  const hours = (minutes: number) => (minutes / 60).toFixed(1);
  const rows = types
    .map(
      ([type, totals]) =>
        `<tr><th scope="row">${escapeHtml(ACTIVITY_LABELS[type] ?? type)}</th><td>${totals!.count}</td><td>${hours(totals!.minutes)}</td></tr>`,
    )
    .join("");
  return `<p>Besides responding to incidents, officers recorded this work${activities.bySchool ? ` at ${activities.bySchool.length} ${activities.bySchool.length === 1 ? "school" : "schools"}` : ""}. Each activity is counted once, with the time it took.</p>
<div class="scroll" role="region" tabindex="0" aria-label="Officer activities by kind, table"><table><thead><tr><th scope="col">Kind of activity</th><th scope="col">Times</th><th scope="col">Hours</th></tr></thead><tbody>${rows}</tbody></table></div>`;
};

export const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;max-width:60rem;margin:0 auto;padding:1.5rem;overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%}.scroll:focus-visible{outline:2px solid #1d2330}.scroll table{min-width:32rem}
@media (max-width:40rem){body{padding:1rem .75rem}}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{border-bottom:2px solid #1d2330;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin:1.2rem 0 .3rem}.muted{color:#5b6475}.badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;background:#e8ecf4;font-size:.85rem}
.summary li,.indicators li{margin:.3rem 0}.summary .flagged{font-weight:600}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.85rem}th,td{border-bottom:1px solid #d5dae3;padding:.25rem .4rem;text-align:right}
th[scope=row],thead th:first-child{text-align:left}tr.flag{background:#fdecea}
svg{display:block;margin:.4rem 0;font-size:12px}svg text{fill:#1d2330}svg .muted{fill:#5b6475;font-style:italic}
.action{fill:#b3372c}.enrolled{fill:#8aa1c6}.action-key{fill:#b3372c}.enrolled-key{fill:#8aa1c6}
.ratio{fill:#8aa1c6}.high{fill:#e0a458}.flagged{fill:#b3372c}.whisker{stroke:#1d2330;stroke-width:1.5}
.grid{stroke:#e5e8ee}.threshold{stroke:#b3372c;stroke-dasharray:4 3;stroke-width:1.5}.tick{fill:#5b6475;text-anchor:middle;font-size:10px}
.legend{font-size:11px}
@media print{body{max-width:none;padding:0}.scroll{overflow:visible}section.table{break-inside:avoid}h2{break-before:page}}
`;

export const reportHtml = (report: Report): string => {
  const { parameters, period, scope } = report;
  const scopeText =
    scope.level === "district" ? "All schools in the district" : `School ${scope.schoolId}`;
  const flagged: string[] = [];
  const watch: string[] = [];
  for (const table of report.tables) {
    for (const row of table.rows) {
      if (row.flagged) flagged.push(sentence(table, row, parameters.confidenceLevel));
      else if (row.exceedsThreshold) watch.push(sentence(table, row, parameters.confidenceLevel));
    }
  }
  const decisionSections = [...new Set(report.tables.map((table) => table.decisionPoint))]
    .map((point) => {
      const tables = report.tables.filter((table) => table.decisionPoint === point);
      return `<h2>${escapeHtml(DECISION_LABELS[point] ?? point).replace(/^./, (c) => c.toUpperCase())}</h2>${tables.map((table) => tableSection(table, report)).join("\n")}`;
    })
    .join("\n");
  const total = (value: number | null) => (value === null ? `(${WITHHELD})` : String(value));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>SRO interactions with students: ${escapeHtml(report.schoolYear)}</title><style>${STYLE}</style></head>
<body>
<header><h1>Student interactions with School Resource Officers</h1>
<p>${escapeHtml(scopeText)} · ${escapeHtml(period.from)} to ${escapeHtml(period.to)} (school year ${escapeHtml(report.schoolYear)}) · <span class="badge">${parameters.public ? "Public report: small numbers hidden" : "Internal report: not for publication"}</span></p>
<p>${total(report.totals.incidents)} incidents; ${total(report.totals.students)} different students were the subject of an officer's action (${total(report.totals.subjects)} times in all). ${total(report.totals.corrected)} of these incidents were corrected after they were first reported; ${total(report.totals.voided)} more were withdrawn as entered in error and are not counted.${report.asOf ? ` Counted as of ${escapeHtml(report.asOf)}.` : ""}</p></header>
<main>
<h2>What stands out</h2>
<section class="summary">${
    flagged.length > 0
      ? `<p>These groups were more than ${ratio(parameters.riskRatioThreshold)} times as likely as other students to face the action, and the difference is larger than chance would explain:</p><ul>${flagged.map((text) => `<li class="flagged">⚑ ${text}</li>`).join("")}</ul>`
      : `<p>No group was both more than ${ratio(parameters.riskRatioThreshold)} times as likely as other students to face an action and clearly above chance.</p>`
  }${
    watch.length > 0
      ? `<p>Above the threshold, but with too few students to be sure the difference is not chance:</p><ul>${watch.map((text) => `<li>${text}</li>`).join("")}</ul>`
      : ""
  }</section>
<h2>Policy indicators</h2>
<section class="policy">${indicatorsSection(report)}</section>
<h2>Officer activities</h2>
<section class="activities">${activitiesSection(report)}</section>
${decisionSections}
<h2>How to read this report</h2>
<section class="method">
<p><strong>Who is counted.</strong> Only students an officer acted on (the subject of an incident) are counted; witnesses and victims are not. A student is counted once per group however many incidents they were in, using what was recorded at their first incident in the period. Race, gender, disability and English-learner status are as perceived or recorded by the officer.</p>
<p><strong>Risk</strong> is the share of a group's enrolled students who faced the action. The <strong>risk ratio</strong> compares that with the risk of all other students together: 2.0 means twice as likely. The red dashed line marks the district's threshold of ${ratio(parameters.riskRatioThreshold)}.</p>
<p>The <strong>interval</strong> (the whisker on each bar) shows the range the ratio could plausibly take by chance, at ${Math.round(parameters.confidenceLevel * 100)}% confidence (Katz method). A group is <strong>flagged</strong> (⚑) when its ratio is above the threshold and its whole interval is above 1.</p>
<p>No ratio is computed where a group has fewer than ${parameters.minCell} students with the action or fewer than ${parameters.minN} enrolled; such small numbers swing widely by chance. The <strong>RRI</strong> (relative rate index) compares each group with a reference group (White students for race, otherwise the largest group); for actions after contact, it compares the share of contacted students who faced the action.</p>
${parameters.public ? `<p><strong>Privacy.</strong> Counts from 1 to ${parameters.minCell - 1} are hidden. A table that hides one also hides its next smallest count (and any equal to it), so that the hidden one cannot be worked out from the total; where that is not enough, the total and the comparisons with other groups are withheld instead.</p>` : ""}
<p class="muted">Report version ${report.reportVersion}; dates are read in the ${escapeHtml(parameters.timeZone)} time zone.</p>
</section>
</main>
</body></html>
`;
};
