/**
 * report.html of a period: one self-contained page in the style of a run's evidence report (the same
 * stylesheet, header and tables; no script, no external asset, charts as inline SVG), readable on
 * screen and printable. Every value from the evidence (names, reasons, tag values, account names) is
 * HTML-escaped; the charts hold numbers and days only (./chart.ts).
 */
import { pathToFileURL } from 'node:url';
import { CSS, escapeHtml as e, facts, table, when } from '../../handlers/core/evidence/html.js';
import { plural } from '../../handlers/core/shared/words.js';
import { changeTimeSpec, type RunMark, renderSvg, timelineSpec, trendSpec } from './chart.js';
import type { RunFacts } from './facts.js';
import { reachedDecision } from './gaps.js';
import type { AuditModel } from './model.js';
import { exceptionText, KIND_TEXT, openSubject, whyText } from './words.js';

/** More OUs or accounts than this: the ones with the most findings are drawn, the rest counted. */
export const MAX_TREND_CHARTS = 40;

const EXTRA_CSS = `
.chart { margin: .5rem 0 1rem; break-inside: avoid; }
.chart svg { max-width: 100%; height: auto; display: block; }
.legend-note { color: #57606a; font-size: .9rem; margin: .25rem 0 .75rem; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.badge.gaps { color: #9a6700; }
.badge.ok { color: #116329; }
tr.problem td:first-child { border-left: 4px solid #b3261e; }
table.runs { font-size: .92em; }
table.runs td, table.runs th { overflow-wrap: break-word; word-break: normal; padding: .3rem .4rem; }
table.runs small { color: #57606a; }
code.id { white-space: nowrap; overflow-wrap: normal; }
.reason { font-style: italic; }
`;

const num = (n: number | null) => `<td class="n">${n === null ? '?' : e(n)}</td>`;
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

/** Where a person opens a run's evidence: the local folder's report.html, or the S3 console. */
export function evidenceHref(location: string | null): string | null {
  if (!location) return null;
  const s3 = /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
  if (s3) {
    return `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(s3[1] ?? '')}?prefix=${encodeURIComponent(s3[2] ?? '')}`;
  }
  return `${pathToFileURL(location).href.replace(/\/?$/, '/')}report.html`;
}

const markOf = (r: RunFacts): RunMark =>
  r.decision === 'rejected' ? 'rejected' : reachedDecision(r) ? 'decided' : 'no decision';

function runRow(r: RunFacts, problem: boolean): string {
  const href = evidenceHref(r.evidence);
  const decided = r.approvers.length
    ? `${e(r.decision ?? '')} by ${e(r.approvers.join(', '))}<br><small>${e(when(r.decidedAt))}</small>`
    : '';
  const evidence = r.evidenceProblem
    ? `<span class="result intended">${e(r.evidenceProblem)}</span>`
    : href
      ? `<a href="${e(href)}">evidence</a>`
      : '';
  const cells = [
    `<td>${e(day(r.startedAt))}<br><small>${e(when(r.startedAt).slice(11))}</small></td>`,
    `<td><code>${e(r.name)}</code>${r.workflow === 'organization' ? `<br><small>organization, ${e(plural(r.accounts.length, 'account'))}</small>` : ''}</td>`,
    `<td>${e(KIND_TEXT[r.kind])}<br><small>${e(r.startedBy ?? 'no one recorded (the schedule)')}</small></td>`,
    `<td><span class="badge ${e(r.outcome)}">${e(r.outcome)}</span></td>`,
    `<td>${decided}${r.reason ? `<br><span class="reason">${e(`"${r.reason}"`)}</span>` : ''}</td>`,
    num(r.counts.findings),
    num(r.counts.proposed),
    num(r.counts.approved),
    num(r.counts.changed),
    num(r.counts.restored),
    num(r.counts.deleted),
    `<td>${evidence}</td>`,
  ];
  return `<tr${problem ? ' class="problem"' : ''}>${cells.join('')}</tr>`;
}

const RUN_HEADERS = [
  'Started',
  'Run',
  'Kind, started by',
  'Outcome',
  'Decision, reason',
  'Found',
  'Proposed',
  'Approved',
  'Changed',
  'Restored',
  'Deleted',
  'Evidence',
];

function runsTable(m: AuditModel): string {
  if (m.runs.length === 0) return '<p class="empty">No run started in this period.</p>';
  const named = new Set(m.gaps.flatMap((g) => (g.run ? [g.run] : [])));
  const head = RUN_HEADERS.map((h) => `<th scope="col">${e(h)}</th>`).join('');
  const body = m.runs.map((r) => runRow(r, named.has(r.name))).join('\n');
  return `<table class="runs"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

async function trendSections(m: AuditModel): Promise<string[]> {
  const out: string[] = [];
  const total = (g: AuditModel['trend'][number]) => g.points.reduce((n, p) => n + p.found, 0);
  const groups = [...m.trend].sort((a, b) => total(b) - total(a)).slice(0, MAX_TREND_CHARTS);
  for (const g of m.trend.filter((t) => groups.includes(t))) {
    const accounts = g.key.startsWith('ou:') ? ` (${plural(g.accounts, 'account')})` : '';
    out.push(
      `<h3>${e(g.label + accounts)}</h3>`,
      `<div class="chart">${await renderSvg(trendSpec(g.points, m.period))}</div>`,
    );
  }
  if (m.trend.length > groups.length) {
    out.push(
      `<p class="legend-note">${e(`${m.trend.length - groups.length} more groups with fewer findings are not drawn; runs.csv has every run's counts.`)}</p>`,
    );
  }
  if (out.length === 0) out.push('<p class="empty">No run in the period read a credential report.</p>');
  return out;
}

export async function renderAuditHtml(m: AuditModel, writtenAt: Date): Promise<string> {
  const stretches = m.gaps.filter((g) => g.run === null);
  const problems = m.gaps.filter((g) => g.run !== null);
  const decided = m.runs.filter(reachedDecision).length;
  const inForce = m.exceptions.filter((x) => x.inForceAtEnd).length;
  const byOutcome = new Map<string, number>();
  for (const r of m.runs.filter((r) => problems.some((g) => g.run === r.name))) {
    const what = r.evidenceProblem ? 'with unreadable evidence' : r.outcome;
    byOutcome.set(what, (byOutcome.get(what) ?? 0) + 1);
  }
  const toReview = [...byOutcome].map(([what, n]) => `${n} ${what}`).join(', ');
  const summary =
    `${plural(m.runs.length, 'run')}, ${decided} reached a decision` +
    (toReview ? ` (runs to review: ${toReview})` : '') +
    `; ${stretches.length === 0 ? 'no stretch' : plural(stretches.length, 'stretch').replace('stretchs', 'stretches')} longer than ${plural(m.period.every, 'day')} without a decision; ` +
    `${plural(m.open.length, 'credential')} still open at the end; ${plural(inForce, 'exception')} in force at the end.`;
  const timeline = await renderSvg(
    timelineSpec(
      m.runs.map((r) => ({ at: r.startedAt, mark: markOf(r) })),
      m.gaps,
      m.period,
    ),
  );
  const sections = [
    '<h2>Period</h2>',
    facts([
      ['From', `${m.period.from} (00:00 UTC)`],
      ['To', `${m.period.to} (included, to 24:00 UTC)`],
      [
        'Expected cadence',
        `a run that reaches a decision at least every ${plural(m.period.every, 'day')} (${m.cadence})`,
      ],
      ['Runs read from', m.where],
      ['Account', m.account ?? 'every account'],
      ['Report written', when(writtenAt.toISOString())],
    ]),
    '<h2>Runs over the period</h2>',
    `<div class="chart">${timeline}</div>`,
    '<p class="legend-note">Each run on the day it started: decided (approved, or nothing to decide), rejected, or no decision (failed, timed out, backed out, still running). Shaded: stretches longer than the cadence without a decision.</p>',
    '<h2>Gaps</h2>',
    '<p>Stretches longer than the cadence with no run that reached a decision, then every run that was rejected, failed, timed out, was backed out, or whose evidence cannot be read.</p>',
    table(
      ['From', 'To', 'Days', 'Run', 'Why'],
      m.gaps.map((g) => [
        e(g.from),
        e(g.to),
        e(g.days ?? ''),
        g.run ? `<code>${e(g.run)}</code>` : '',
        e(g.why),
      ]),
      `None: a run reached a decision at least every ${plural(m.period.every, 'day')}, and every run ended as it should.`,
    ),
    '<h2>Runs</h2>',
    runsTable(m),
    '<h2>Trend</h2>',
    `<p>Per ${m.trend.some((g) => g.key.startsWith('ou:')) ? 'OU' : 'account'}, for each run: the stale credentials it found (bars), approved (hollow circles, dashed) and disabled (filled squares). Where every approved credential was disabled the two are drawn one over the other; the numbers are in the runs table.</p>`,
    ...(await trendSections(m)),
    '<h3>Time from finding to change</h3>',
    '<p>For the credentials each run disabled: days from the credential becoming stale (its last use, or its creation when never used, plus the threshold) to its change. Runs, rejections and gaps between them all add to it.</p>',
    m.changeTimes.length > 0
      ? `<div class="chart">${await renderSvg(changeTimeSpec(m.changeTimes, m.period))}</div>`
      : '<p class="empty">No credential was disabled in the period.</p>',
    table(
      ['Run', 'Started', 'Disabled', 'Median days stale', 'Longest'],
      m.changeTimes.map((t) => [
        `<code>${e(t.run)}</code>`,
        e(day(t.at)),
        e(t.count),
        e(t.medianDays),
        e(t.maxDays),
      ]),
      'None.',
    ),
    '<h2>Exceptions in force</h2>',
    '<p>Every exemption, break-glass user and owner grace period a run found in the period, with the first and last run that found it.</p>',
    table(
      ['Account', 'User', 'Exception', 'Credential', 'Last used', 'First seen', 'Last seen', 'At the end'],
      m.exceptions.map((x) => [
        `<code class="id">${e(x.accountId)}</code>`,
        e(x.userName),
        e(exceptionText(x)),
        e(x.credential ? `${x.credential}${x.accessKeyId ? ` ${x.accessKeyId}` : ''}` : ''),
        e(x.kind === 'break-glass' ? day(x.lastUsed) || 'never' : ''),
        e(`${x.firstSeen} (${x.firstRun})`),
        e(`${x.lastSeen} (${x.lastRun})`),
        e(x.inForceAtEnd ? 'in force' : 'ended'),
      ]),
      'None: no run in the period found an exemption, a break-glass user or an owner grace period.',
    ),
    '<h2>Still open at the end</h2>',
    `<p>${e(`${plural(m.open.length, 'credential')} (or user, or account) still stale and enabled, as each account's last run in the period that read its credential report found it, with what later runs restored or could not read. A credential that went stale after that run is not known here.`)}</p>`,
    table(
      ['Account', 'User', 'Credential', 'Last used', 'Days unused', 'Why', 'As found by'],
      m.open.map((o) => [
        `<code class="id">${e(o.accountId)}</code>`,
        e(o.userName ?? ''),
        e(openSubject(o)),
        e(o.credential === null ? '' : day(o.lastUsed) || 'never'),
        e(o.daysUnused ?? ''),
        e(whyText(o)),
        e(`${o.run} (${o.seen})`),
      ]),
      'None: every stale credential the last runs found was disabled.',
    ),
  ];
  const badge = m.gaps.length === 0 ? ['ok', 'No gap'] : ['gaps', 'Gaps to review'];
  const heading = `credsweep audit ${m.period.from} to ${m.period.to}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`${heading}: ${badge[1]}`)}</title>
<style>${CSS}${EXTRA_CSS}</style>
</head>
<body>
<header>
<h1>${e(heading)}</h1>
<p><span class="badge ${badge[0]}">${e(badge[1])}</span> ${e(m.account ? `account ${m.account}` : m.where)}</p>
<p class="summary">${e(summary)}</p>
</header>
<main>
${sections.join('\n')}
</main>
<footer>Rendered by credsweep audit from each run's evidence.json (the record) and its execution; runs.csv, gaps.csv, exceptions.csv and open.csv hold the same rows.</footer>
</body>
</html>
`;
}
