/**
 * `npm run bench`: proves the cost model in one run and writes docs/performance.md.
 * Figures are medians (timings) or exact counts (calls, transitions, bytes).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchAnalysis } from './analysis.js';
import { benchAudit } from './audit.js';
import { benchBundles } from './bundles.js';
import { benchIamCalls, type CallCount } from './iam-calls.js';
import { benchOrganization } from './organization.js';
import { benchStartup, STARTUP_ROUNDS, type StartupRow } from './startup.js';
import { fmt, int } from './stats.js';
import { benchTransitions } from './transitions.js';

const TARGETS = {
  analysisMs: 50,
  callsPerRemediated: 3,
  bundleBytes: 1_000_000,
};

const started = Date.now();
const analysis = await benchAnalysis();
const iam = await benchIamCalls();
const transitions = await benchTransitions();
const organization = await benchOrganization();
const audit = await benchAudit();
const bundles = await benchBundles();
const startup = await benchStartup();

const perRemediated = (c: CallCount) => c.total / c.remediated;
const perCompliant = (c: CallCount) => c.callsOnCompliantUsers / c.compliantUsers;
const ops = [
  ...new Set([...Object.keys(iam.credsweep.byOperation), ...Object.keys(iam.baseline.byOperation)]),
].filter((op) => (iam.credsweep.byOperation[op] ?? 0) + (iam.baseline.byOperation[op] ?? 0) > 0);
const detectionConstant = new Set(iam.detection.map((d) => d.calls)).size === 1;
const analysis5k = analysis.find((a) => a.rows === 5000);
const maxBundle = Math.max(...bundles.map((b) => b.bytes));
const met = (ok: boolean) => (ok ? 'met' : '**missed**');
const seconds = (ms: number) => `${fmt(ms / 1000, 2)} s`;
const startupTarget = (r: StartupRow) =>
  `| \`${r.command}\` ${r.until === 'exit' ? 'runs' : 'sends its first request'} in < ${seconds(r.targetMs)} | ${seconds(r.medianMs)} (\`node -e ''\`: ${seconds(r.nodeMs)}) | ${met(r.medianMs < r.targetMs)} |`;

const lines = [
  '# Performance and cost',
  '',
  `Written by \`npm run bench\` (test/bench/run.ts) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores; the run took ${fmt((Date.now() - started) / 1000)} s.`,
  'Timings are medians of repeated runs; calls, transitions and bytes are exact counts from the sandbox account and the local engine running the real ASL.',
  '',
  '## Targets',
  '',
  '| target | measured | |',
  '|---|---|---|',
  `| detection calls constant in the user count | ${iam.detection.map((d) => `${d.calls} at ${int(d.users)} users`).join(', ')} | ${met(detectionConstant)} |`,
  `| ≤ ${TARGETS.callsPerRemediated} IAM calls per remediated credential | ${fmt(perRemediated(iam.credsweep), 2)} | ${met(perRemediated(iam.credsweep) <= TARGETS.callsPerRemediated)} |`,
  `| 0 IAM calls per compliant user (owner warnings off) | ${fmt(perCompliant(iam.credsweep), 2)} (an all-compliant 5,000-user account: ${int(iam.allCompliant.callsWithoutWarnings)} calls in all; with the default warnDays 7, ${int(iam.allCompliant.calls)}, of which ${int(iam.allCompliant.ownerLookups)} GetUser read the owner tag of users whose credential goes stale within 7 days) | ${met(perCompliant(iam.credsweep) === 0)} |`,
  `| 5,000 report rows analysed in < ${TARGETS.analysisMs} ms | ${fmt(analysis5k?.medianMs ?? Number.NaN)} ms | ${met((analysis5k?.medianMs ?? Infinity) < TARGETS.analysisMs)} |`,
  `| each Lambda bundle < 1 MB | largest ${int(maxBundle)} bytes | ${met(maxBundle < TARGETS.bundleBytes)} |`,
  ...startup.map(startupTarget),
  '',
  '## Command start-up (the built `credsweep` bin, whole process, wall time)',
  '',
  `Median of ${STARTUP_ROUNDS} rounds; each round runs \`node -e ''\` and every command once, in turn, so load on the shared machine falls on all of them alike. AWS commands talk to a local endpoint (AWS_ENDPOINT_URL) that answers AccessDenied; their figure is the time until its first request arrives.`,
  '',
  "| command | until | median | `node -e ''` | over Node itself |",
  '|---|---|---|---|---|',
  ...startup.map(
    (r) =>
      `| \`${r.command}\` | ${r.until} | ${seconds(r.medianMs)} | ${seconds(r.nodeMs)} | ${seconds(r.medianMs - r.nodeMs)} |`,
  ),
  '',
  '## Analysis of a credential report (parse + staleness policy)',
  '',
  '| users (rows) | parse + policy, median | of which csv-parse alone | findings | ms per 1,000 rows |',
  '|---|---|---|---|---|',
  ...analysis.map(
    (a) =>
      `| ${int(a.rows)} | ${fmt(a.medianMs)} ms | ${fmt(a.csvParseMs)} ms | ${int(a.findings)} | ${fmt((a.medianMs / a.rows) * 1000, 2)} |`,
  ),
  '',
  `## IAM calls: ${int(iam.users)} users, 5 % of credentials stale`,
  '',
  '| operation | credsweep | per-user scan |',
  '|---|---|---|',
  ...ops.map(
    (op) =>
      `| ${op} | ${int(iam.credsweep.byOperation[op] ?? 0)} | ${int(iam.baseline.byOperation[op] ?? 0)} |`,
  ),
  `| **total** | **${int(iam.credsweep.total)}** | **${int(iam.baseline.total)}** |`,
  `| credentials remediated | ${int(iam.credsweep.remediated)} | ${int(iam.baseline.remediated)} |`,
  `| calls per remediated credential | ${fmt(perRemediated(iam.credsweep), 2)} | ${fmt(perRemediated(iam.baseline), 2)} |`,
  `| calls per compliant user | ${fmt(perCompliant(iam.credsweep), 2)} | ${fmt(perCompliant(iam.baseline), 2)} |`,
  `| ratio (per-user scan / credsweep, total calls) | 1 | ${fmt(iam.baseline.total / iam.credsweep.total, 1)}× |`,
  '',
  '## Step Functions: transitions, payload and cost per run (Standard, $0.025 per 1,000 transitions)',
  '',
  '| users | remediated | transitions | largest state payload | cost per run |',
  '|---|---|---|---|---|',
  ...transitions.map(
    (t) =>
      `| ${int(t.users)} | ${int(t.remediated)} | ${int(t.transitions)} | ${int(t.maxPayloadBytes)} bytes (limit 262,144) | $${t.usdPerRun.toFixed(5)} |`,
  ),
  '',
  '## An organization run (docs/organizations.md): 5 users per account, 5 % of credentials stale',
  '',
  "Every 50th member account has no member role (unreachable), every 97th is suspended. The largest history is that of any one execution, the parent or one account's child execution of a Distributed Map (Step Functions allows 25,000 events each); the payload limit is 262,144 bytes. Local wall time runs every account in this one process.",
  '',
  '| accounts | unreachable | suspended | remediated | transitions | largest history | largest state payload | largest Map result | cost per run | local wall time |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...organization.map(
    (o) =>
      `| ${int(o.accounts)} | ${o.unreachable} | ${o.suspended} | ${int(o.remediated)} | ${int(o.transitions)} | ${int(o.maxExecutionEvents)} events | ${int(o.maxPayloadBytes)} bytes | ${int(o.maxMapResultBytes)} bytes | $${o.usdPerRun.toFixed(4)} | ${seconds(o.wallMs)} |`,
  ),
  '',
  `Scale: 5,000 accounts took ${ratioOf(organization, 5000, 500)} the wall time of 500 in this run (target: at most 15×, linear in accounts). The local engine holds every state payload and Map result to 262,144 bytes and every execution to 25,000 events, failing as AWS does.`,
  '',
  `## An audit period (docs/compliance.md): ${audit.runs} weekly organization runs × ${int(audit.accounts)} accounts`,
  '',
  `The runs are the real organization ASL in one local home (building them took ${seconds(audit.setupMs)}, not counted). \`credsweep audit\` reads each run's org summary, whose rows carry every account's counts, exceptions and open credentials, instead of every account's own evidence. AWS requests are those the same audit sends through the AWS code path, the SDK mocked at its boundary and answering from the home's files; times are local medians of 3.`,
  '',
  '| | evidence read | AWS requests | local time |',
  '|---|---|---|---|',
  `| \`credsweep audit\`: read the period | ${int(audit.localReads)} files | ${Object.entries(
    audit.awsRequests,
  )
    .filter(([, n]) => n > 0)
    .map(([op, n]) => `${int(n)} ${op}`)
    .join(', ')} | ${seconds(audit.readMs)} |`,
  `| \`credsweep audit\`: read, rules, report.html with its charts (${fmt(audit.htmlBytes / 1024)} KiB), the CSV files | | | ${seconds(audit.auditMs)} |`,
  `| for comparison: every account's evidence of every run | ${int(audit.perAccountReads)} files | ${int(audit.perAccountReads)} GetObject (+ the lists) | ${seconds(audit.perAccountMs)} |`,
  '',
  '## Lambda bundles (dist/lambda, as the stack deploys them: ESM, node22, minified, AWS SDK included)',
  '',
  '| handler | bundle | cold import (median of 5) |',
  '|---|---|---|',
  ...bundles.map((b) => `| ${b.handler} | ${fmt(b.bytes / 1024)} KiB | ${fmt(b.coldImportMs)} ms |`),
  '',
];
const table = lines.join('\n');
console.log(table);
const notes = fileURLToPath(new URL('./notes.md', import.meta.url));
const { readFileSync } = await import('node:fs');
writeFileSync(
  fileURLToPath(new URL('../../docs/performance.md', import.meta.url)),
  `${table}\n${readFileSync(notes, 'utf8')}`,
);

function ratioOf(rows: { accounts: number; wallMs: number }[], big: number, small: number): string {
  const a = rows.find((r) => r.accounts === big)?.wallMs;
  const b = rows.find((r) => r.accounts === small)?.wallMs;
  return a && b ? `${(a / b).toFixed(1)}×` : 'n/a';
}
