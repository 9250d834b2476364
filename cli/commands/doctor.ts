/**
 * `credsweep doctor`: checks a deployed stack, read-only, and says for each check ok or the problem
 * and its fix (docs/deploy.md, "credsweep doctor"). Exit 0 when every check is ok, 1 otherwise.
 */
import { runDoctor } from '../doctor/run.js';
import { printJson } from './common.js';

export interface DoctorFlags {
  stack?: string;
  json?: boolean;
}

export async function doctor(flags: DoctorFlags): Promise<void> {
  const report = await runDoctor(flags.stack !== undefined ? { stack: flags.stack } : {});
  if (flags.json) {
    printJson(report);
  } else {
    console.log(`credsweep doctor: stack ${report.stack} in ${report.region}, account ${report.account}`);
    for (const check of report.checks) {
      // ✓ ok, i ok with something worth knowing (and how to change it), ✗ a problem and its fix.
      const mark = !check.ok ? '✗' : check.fix ? 'i' : '✓';
      console.log(`${mark} ${check.title}: ${check.detail}`);
      if (check.fix) console.log(`    ${check.ok ? 'how' : 'fix'}: ${check.fix}`);
    }
    console.log(
      report.ok
        ? `All ${report.checks.length} checks ok.`
        : `${report.problems} of ${report.checks.length} checks found a problem.`,
    );
  }
  process.exitCode = report.ok ? 0 : 1;
}
