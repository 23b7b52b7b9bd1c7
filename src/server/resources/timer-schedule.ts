import { CronExpressionParser } from 'cron-parser';
import { FcError } from '../errors.ts';

// A timer trigger's `cronExpression` as FC 2.0 reads it (FC time trigger docs):
// - `@every <interval>`: Go-style durations of h, m and s (`@every 5m`, `@every 1h30m`), at least
//   a minute (FC's minimum), counted from when the timer was armed;
// - six cron fields `sec min hour day-of-month month day-of-week`, in UTC, with `, - * / ?`,
//   month names JAN–DEC and weekday names SUN–SAT (any case);
// - either cron form may start with `CRON_TZ=<IANA zone> ` to run in that zone.
// The cron fields are parsed by cron-parser; this module holds what FC adds or forbids around it.

export const MIN_TIMER_INTERVAL_MS = 60_000;

/** When a timer fires: `next(after)` is the first firing strictly after `after` (ms since the epoch). */
export interface TimerSchedule {
  next(after: number): number | null;
}

const EVERY = /^@every\s+(.+)$/i;
const DURATION_PART = /(\d+(?:\.\d+)?)(h|m|s)/gy;
const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000 } as const;
const TZ_PREFIX = /^CRON_TZ=(\S+)\s+(.*)$/;
const NAMES = /\b(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)\b/gi;

const bad = (expr: string, why: string) => new FcError('InvalidArgument', `triggerConfig.cronExpression '${expr}' is not valid: ${why}`);

/**
 * The schedule of a cron expression; throws InvalidArgument saying what is wrong. `anchor`: when
 * an `@every` timer was armed (its firings are anchor + k × interval).
 */
export function parseTimerSchedule(expression: string, anchor = Date.now()): TimerSchedule {
  const expr = expression.trim();
  const every = EVERY.exec(expr);
  if (every) return everySchedule(expr, every[1].trim(), anchor);
  let zone = 'UTC';
  let fields = expr;
  const tz = TZ_PREFIX.exec(expr);
  if (tz) {
    zone = tz[1];
    fields = tz[2].trim();
    if (!isTimeZone(zone)) throw bad(expr, `CRON_TZ names '${zone}', which is not an IANA time zone (e.g. Asia/Shanghai)`);
  }
  const parts = fields.split(/\s+/);
  if (parts.length !== 6) throw bad(expr, `FC's cron has six fields (seconds minutes hours day-of-month month day-of-week), got ${parts.length}; or use @every <interval>`);
  // FC's cron takes `, - * / ?` and names; cron-parser also knows L, W and #, which FC does not document.
  const leftover = fields.replace(NAMES, '').match(/[^0-9,\-*/?\s]/);
  if (leftover) throw bad(expr, `'${leftover[0]}' is not allowed: FC's cron fields take numbers, names (JAN–DEC, SUN–SAT) and , - * / ?`);
  let parsed;
  try {
    parsed = CronExpressionParser.parse(fields, { tz: zone, strict: false });
  } catch (err) {
    throw bad(expr, (err as Error).message);
  }
  if (parsed.fields.second.values.length > 1) throw bad(expr, 'it fires more than once a minute (the seconds field names several seconds); FC\'s minimum interval is one minute');
  return {
    next(after) {
      try {
        return CronExpressionParser.parse(fields, { tz: zone, strict: false, currentDate: new Date(after) }).next().getTime();
      } catch {
        return null; // no firing left (a date that never comes again)
      }
    },
  };
}

function everySchedule(expr: string, duration: string, anchor: number): TimerSchedule {
  let ms = 0;
  DURATION_PART.lastIndex = 0;
  let consumed = 0;
  for (let m = DURATION_PART.exec(duration); m; m = DURATION_PART.exec(duration)) {
    ms += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    consumed = DURATION_PART.lastIndex;
  }
  if (consumed === 0 || consumed !== duration.length) throw bad(expr, `@every takes a duration like 5m, 1h30m or 90s (units h, m, s), got '${duration}'`);
  if (ms < MIN_TIMER_INTERVAL_MS) throw bad(expr, `the interval ${duration} is under FC's minimum of one minute`);
  // firings are anchor + k × interval, k ≥ 1: the first one a whole interval after arming
  return { next: (after) => anchor + Math.max(1, Math.floor((after - anchor) / ms) + 1) * ms };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** FC's `triggerTime`: ISO 8601 UTC to the second, e.g. `2024-01-01T00:05:00Z`. */
export const triggerTimeOf = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
