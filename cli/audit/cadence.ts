/**
 * The expected cadence of runs, in days, from a deployment's schedule: an EventBridge Scheduler
 * `rate(…)` or six-field `cron(minutes hours day-of-month month day-of-week year)` expression. A gap
 * is a stretch longer than the longest wait the schedule allows between two runs.
 */

/** The audit's cadence when neither `--every` nor a readable schedule gives one. */
export const DEFAULT_EVERY_DAYS = 7;

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const UNIT_DAYS: Record<string, number> = {
  minute: 1 / 1440,
  minutes: 1 / 1440,
  hour: 1 / 24,
  hours: 1 / 24,
  day: 1,
  days: 1,
};

/** Days of the week (0 = Sunday) a cron day-of-week field names; null when it cannot be read. */
function weekdays(field: string): number[] | null {
  const day = (token: string) => {
    const upper = token.toUpperCase();
    const named = DAY_NAMES.indexOf(upper);
    if (named >= 0) return named;
    // EventBridge numbers days 1 (Sunday) to 7 (Saturday).
    return /^[1-7]$/.test(token) ? Number(token) - 1 : null;
  };
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const [from, to] = part.replace(/#\d$/, '').replace(/L$/, '').split('-');
    const a = day(from ?? '');
    const b = to === undefined ? a : day(to);
    if (a === null || b === null) return null;
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days].sort((x, y) => x - y);
}

/** The longest wait, in days, between consecutive days of a week. */
function longestWeeklyWait(days: number[]): number {
  return Math.max(...days.map((d, i) => ((days[(i + 1) % days.length] ?? d) - d + 7) % 7 || 7));
}

/**
 * The cadence, in days, of a schedule expression; null when it cannot be read (then the audit says
 * so and uses DEFAULT_EVERY_DAYS). A rate is its interval; a cron, the longest wait between two runs
 * it fires: daily, the longest gap between its weekdays, or a month (31 days) for days of the month.
 */
export function cadenceDays(schedule: string | null | undefined): number | null {
  if (!schedule) return null;
  const rate = /^rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)$/i.exec(schedule.trim());
  if (rate) return Math.max(Number(rate[1]) * (UNIT_DAYS[(rate[2] ?? '').toLowerCase()] ?? 1), 1);
  const cron = /^cron\((.+)\)$/i.exec(schedule.trim());
  const fields = cron?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6) return null;
  const [, , dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string, string];
  if (month !== '*') return null;
  if (dayOfMonth === '?' && dayOfWeek !== '*' && dayOfWeek !== '?') {
    const days = weekdays(dayOfWeek);
    return days && days.length > 0 ? longestWeeklyWait(days) : null;
  }
  if (dayOfMonth === '*' || dayOfMonth === '?') return 1;
  if (/^\*\/\d+$/.test(dayOfMonth)) return Number(dayOfMonth.slice(2));
  if (/^(\d{1,2}|L)(,(\d{1,2}|L))*$/.test(dayOfMonth)) return 31;
  return null;
}
