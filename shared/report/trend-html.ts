import {
  ACTIVITY_LABELS,
  DECISION_LABELS,
  DIMENSION_LABELS,
  escapeHtml,
  groupLabel,
  ratio,
  STYLE,
} from "./html.ts";
import type { Indicator } from "./model.ts";
import type { SeriesEntry, TrendReport, TrendRow, TrendTable } from "./trend.ts";

/**
 * The trend page: one self-contained HTML file like the period page (inline
 * CSS and server-rendered SVG, no script, nothing from another origin), with
 * one small chart per group and a table of the same numbers for screen readers.
 */

const CHART = { width: 240, height: 96, left: 30, right: 8, top: 8, bottom: 22 };

/** The y scale's top: the threshold and every ratio fit, rounded up to a whole number. */
const scaleTop = (rows: readonly TrendRow[], threshold: number) => {
  let top = threshold * 1.5;
  for (const row of rows) {
    for (const entry of row.series)
      if (entry.riskRatio !== null) top = Math.max(top, entry.riskRatio);
  }
  return Math.ceil(top);
};

/**
 * The risk ratio over the periods: a line through the computed values, broken
 * wherever a period has none (hidden, or too few students), with hidden
 * periods shaded and the threshold dashed across.
 */
export const trendChart = (series: readonly SeriesEntry[], threshold: number, top: number) => {
  const { width, height, left, right, top: padTop, bottom } = CHART;
  const plotWidth = width - left - right;
  const plotHeight = height - padTop - bottom;
  const step = series.length > 1 ? plotWidth / (series.length - 1) : 0;
  const x = (index: number) => left + (series.length > 1 ? index * step : plotWidth / 2);
  const y = (value: number) => padTop + plotHeight - (Math.min(value, top) / top) * plotHeight;
  const f = (value: number) => value.toFixed(1);
  const band = Math.max(step, 8);
  const shaded = series
    .map((entry, index) =>
      entry.suppressed
        ? `<rect x="${f(Math.max(left, x(index) - band / 2))}" y="${padTop}" width="${f(Math.min(band, plotWidth))}" height="${plotHeight}" class="hidden-period"/>`
        : "",
    )
    .join("");
  const segments: string[] = [];
  let current: string[] = [];
  series.forEach((entry, index) => {
    if (entry.riskRatio === null) {
      if (current.length > 1) segments.push(current.join(" "));
      current = [];
      return;
    }
    current.push(`${f(x(index))},${f(y(entry.riskRatio))}`);
  });
  if (current.length > 1) segments.push(current.join(" "));
  const lines = segments.map((points) => `<polyline points="${points}" class="trend"/>`).join("");
  const dots = series
    .map((entry, index) =>
      entry.riskRatio === null
        ? ""
        : `<circle cx="${f(x(index))}" cy="${f(y(entry.riskRatio))}" r="3" class="${entry.flagged ? "flagged" : entry.exceedsThreshold ? "high" : "dot"}"/>`,
    )
    .join("");
  const ticks = [0, top]
    .map(
      (tick) =>
        `<text x="${left - 4}" y="${f(y(tick) + 3)}" class="axis" text-anchor="end">${tick}</text>`,
    )
    .join("");
  const first = series[0]?.period ?? "";
  const last = series[series.length - 1]?.period ?? "";
  const labels = `<text x="${left}" y="${height - 6}" class="axis">${escapeHtml(first)}</text>${
    series.length > 1
      ? `<text x="${width - right}" y="${height - 6}" class="axis" text-anchor="end">${escapeHtml(last)}</text>`
      : ""
  }`;
  return `<svg aria-hidden="true" focusable="false" viewBox="0 0 ${width} ${height}" width="100%" class="spark">${shaded}<line x1="${left}" y1="${f(y(0))}" x2="${width - right}" y2="${f(y(0))}" class="grid"/><line x1="${left}" y1="${f(y(threshold))}" x2="${width - right}" y2="${f(y(threshold))}" class="threshold"/>${ticks}${lines}${dots}${labels}</svg>`;
};

const entryText = (entry: SeriesEntry) =>
  entry.suppressed ? "hidden" : entry.riskRatio === null ? "not computed" : ratio(entry.riskRatio);

const signed = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(2)}`;

/** What a row says in words: first and last value, and the two flags where they hold. */
const rowSummary = (row: TrendRow, trend: TrendReport) => {
  const first = row.series[0]!;
  const last = row.series[row.series.length - 1]!;
  const parts = [
    `${escapeHtml(first.period)}: ${entryText(first)} → ${escapeHtml(last.period)}: ${entryText(last)}${row.change === null ? "" : ` (${signed(row.change)})`}`,
  ];
  const years = trend.parameters.persistenceYears;
  if (row.persistent) {
    parts.push(
      `<strong class="persistent">Above the threshold ${years === 1 ? "in the last year" : `in each of the last ${years} years`}</strong>`,
    );
  }
  if (row.progress) parts.push(`<strong class="progress">Falling two years in a row</strong>`);
  return parts.join(" · ");
};

const numbersTable = (table: TrendTable, trend: TrendReport) => {
  const head = trend.periods
    .map((period) => `<th scope="col">${escapeHtml(period.label)}</th>`)
    .join("");
  const flag = (value: boolean | null) => (value === null ? "not published" : value ? "yes" : "no");
  const rows = table.rows
    .map(
      (row) =>
        `<tr><th scope="row">${escapeHtml(groupLabel(table.dimension, row.group))}</th>${row.series.map((entry) => `<td>${entryText(entry)}</td>`).join("")}<td>${row.change === null ? "—" : signed(row.change)}</td><td>${flag(row.persistent)}</td><td>${flag(row.progress)}</td></tr>`,
    )
    .join("");
  return `<div class="sr-only"><table><caption>Risk ratio by period: ${escapeHtml(DIMENSION_LABELS[table.dimension] ?? table.dimension)}, ${escapeHtml(DECISION_LABELS[table.decisionPoint] ?? table.decisionPoint)}</caption><thead><tr><th scope="col">Group</th>${head}<th scope="col">Change</th><th scope="col">Persistent</th><th scope="col">Progress</th></tr></thead><tbody>${rows}</tbody></table></div>`;
};

const tableSection = (table: TrendTable, trend: TrendReport) => {
  const threshold = trend.parameters.riskRatioThreshold;
  const top = scaleTop(table.rows, threshold);
  const cards = table.rows
    .map(
      (row) =>
        `<li class="card${row.persistent ? " persistent-card" : ""}"><p class="group">${escapeHtml(groupLabel(table.dimension, row.group))}</p>${trendChart(row.series, threshold, top)}<p class="muted small">${rowSummary(row, trend)}</p></li>`,
    )
    .join("");
  return `<section class="trend-table"><h3>${escapeHtml(DIMENSION_LABELS[table.dimension] ?? table.dimension)}</h3><ul class="cards">${cards}</ul>${numbersTable(table, trend)}</section>`;
};

const indicatorCell = (indicator: Indicator) =>
  indicator.count === null || indicator.base === null
    ? "—"
    : `${indicator.count} of ${indicator.base}${indicator.share === null ? "" : ` (${(indicator.share * 100).toFixed(1)}%)`}`;

const INDICATOR_LABELS = [
  ["routineDiscipline", "Routine discipline referred by staff (of incidents)"],
  ["mentalHealth", "Mental health crises (of incidents)"],
  ["useOfForce", "Force used (of student contacts)"],
  ["restraintElementary", "Elementary students handcuffed (of their contacts)"],
  [
    "underTwelveJustice",
    "Children under 12 cited, arrested or referred to prosecution (of all such)",
  ],
  ["justiceVersusSupport", "Justice outcomes (of justice and support referrals)"],
] as const;

const indicatorsSection = (trend: TrendReport) => {
  const head = INDICATOR_LABELS.map(
    ([, label]) => `<th scope="col">${escapeHtml(label)}</th>`,
  ).join("");
  const rows = trend.indicators
    .map(
      (period) =>
        `<tr><th scope="row">${escapeHtml(period.period)}</th>${INDICATOR_LABELS.map(([name]) => `<td>${indicatorCell(period[name])}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<div class="scroll" role="region" tabindex="0" aria-label="Policy indicators by period, table"><table><thead><tr><th scope="col">Period</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>${
    trend.parameters.public
      ? `<p class="muted">A dash is a number withheld to protect privacy: fewer than ${trend.parameters.minCell}, or one that with the period's other published numbers would let someone work out a hidden count.</p>`
      : ""
  }`;
};

const activitiesSection = (trend: TrendReport) => {
  const { activities } = trend;
  if (activities === null) {
    return "<p>Not included: this trend was made from a file of incidents, which holds no officer activities.</p>";
  }
  const types = Object.keys(ACTIVITY_LABELS).filter((type) =>
    activities.some((period) => period.byType[type]),
  );
  if (types.length === 0) return "<p>No officer activities were recorded in these periods.</p>";
  const head = activities
    .map((period) => `<th scope="col">${escapeHtml(period.period)}</th>`)
    .join("");
  const rows = types
    .map(
      (type) =>
        `<tr><th scope="row">${escapeHtml(ACTIVITY_LABELS[type] ?? type)}</th>${activities
          .map((period) => {
            const totals = period.byType[type];
            return `<td>${totals ? `${totals.count} (${(totals.minutes / 60).toFixed(1)} h)` : "0"}</td>`;
          })
          .join("")}</tr>`,
    )
    .join("");
  return `<p>Activities recorded by officers besides incidents: how many times, and the hours they took.</p><div class="scroll" role="region" tabindex="0" aria-label="Officer activities by kind and period, table"><table><thead><tr><th scope="col">Kind of activity</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
};

export const TREND_STYLE = `
.cards{list-style:none;padding:0;margin:.4rem 0 1rem;display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.6rem}
.card{border:1px solid #d5dae3;border-radius:.4rem;padding:.4rem .6rem;min-width:0}.card .group{margin:0;font-weight:600}
.persistent-card{border-color:#b3372c;border-width:2px}.small{font-size:.85rem;margin:.2rem 0 0}
.spark{margin:.2rem 0}.trend{fill:none;stroke:#1d2330;stroke-width:1.5}.dot{fill:#1d2330}.hidden-period{fill:#e5e8ee}
.axis{fill:#5b6475;font-size:10px}.policy th[scope=row]{white-space:nowrap}.persistent{color:#b3372c}.progress{color:#1d5e3a}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
`;

/** The trend as a page the board reads on paper or on a phone. */
export const trendHtml = (trend: TrendReport): string => {
  const { parameters, scope } = trend;
  const scopeText =
    scope.level === "district" ? "All schools in the district" : `School ${scope.schoolId}`;
  const years = `${trend.schoolYears[0]} to ${trend.schoolYears[trend.schoolYears.length - 1]}`;
  const persistent: string[] = [];
  const progress: string[] = [];
  for (const table of trend.tables) {
    for (const row of table.rows) {
      const text = `${escapeHtml(groupLabel(table.dimension, row.group))}, ${escapeHtml(DECISION_LABELS[table.decisionPoint] ?? table.decisionPoint)}`;
      if (row.persistent) persistent.push(text);
      if (row.progress) progress.push(text);
    }
  }
  const flagsPublished = trend.tables.some((table) =>
    table.rows.some((row) => row.persistent !== null),
  );
  const summary = flagsPublished
    ? `${
        persistent.length > 0
          ? `<p>Above the threshold of ${ratio(parameters.riskRatioThreshold)} in each of the last ${parameters.persistenceYears} school years:</p><ul>${persistent.map((text) => `<li class="persistent">${text}</li>`).join("")}</ul>`
          : `<p>No group was above the threshold of ${ratio(parameters.riskRatioThreshold)} in each of the last ${parameters.persistenceYears} school years.</p>`
      }${
        progress.length > 0
          ? `<p>Risk ratio falling in each of the last two years (reasonable progress):</p><ul>${progress.map((text) => `<li>${text}</li>`).join("")}</ul>`
          : ""
      }`
    : `<p>This public trend is published by ${trend.partition}; whole-year figures, which the persistence and progress flags need, are not published for it.</p>`;
  const decisionSections = [...new Set(trend.tables.map((table) => table.decisionPoint))]
    .map((point) => {
      const tables = trend.tables.filter((table) => table.decisionPoint === point);
      return `<h2>${escapeHtml(DECISION_LABELS[point] ?? point).replace(/^./, (c) => c.toUpperCase())}</h2>${tables.map((table) => tableSection(table, trend)).join("\n")}`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>SRO interactions with students: trend ${escapeHtml(years)}</title><style>${STYLE}${TREND_STYLE}</style></head>
<body>
<header><h1>Student interactions with School Resource Officers, over time</h1>
<p>${escapeHtml(scopeText)} · school years ${escapeHtml(years)}, by ${escapeHtml(trend.partition)} · <span class="badge">${parameters.public ? "Public report: small numbers hidden" : "Internal report: not for publication"}</span></p></header>
<main>
<h2>What stands out</h2>
<section class="summary">${summary}</section>
<h2>Policy indicators</h2>
<section class="policy">${indicatorsSection(trend)}</section>
<h2>Officer activities</h2>
<section class="activities">${activitiesSection(trend)}</section>
<h2>How to read the charts</h2>
<section class="method">
<p>Each chart shows one group's <strong>risk ratio</strong> in each period, from the oldest on the left to the newest on the right: how many times as likely that group's students were to face the action as all other students. The dashed red line is the district's threshold of ${ratio(parameters.riskRatioThreshold)}; a red dot is a period above it where the difference is larger than chance would explain, an orange dot one above it where it may be chance.</p>
<p>A break in the line is a period with no ratio: too few students to compare (fewer than ${parameters.minCell} with the action or ${parameters.minN} enrolled)${parameters.public ? ", or, where the period is shaded grey, a number hidden to protect privacy" : ""}. Each period's numbers are exactly those of that period's own report.</p>
<p><strong>Persistent</strong> means above the threshold in each of the last ${parameters.persistenceYears} school years, counting each year as a whole. <strong>Progress</strong> means the whole-year ratio fell in each of the last two years.</p>
<p class="muted">Report version ${trend.reportVersion}; dates are read in the ${escapeHtml(parameters.timeZone)} time zone.</p>
</section>
${decisionSections}
</main>
</body></html>
`;
};
