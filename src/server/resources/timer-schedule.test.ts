import { describe, expect, it } from 'vitest';
import { parseTimerSchedule, triggerTimeOf } from './timer-schedule.ts';

const T0 = Date.parse('2030-01-01T00:00:00Z'); // a Tuesday
const nextAfter = (expr: string, after = T0, anchor = T0) => {
  const n = parseTimerSchedule(expr, anchor).next(after);
  return n === null ? null : triggerTimeOf(n);
};
const problem = (expr: string) => {
  try {
    parseTimerSchedule(expr);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
};

describe('timer schedules as FC reads cronExpression', () => {
  it('counts @every intervals from when the timer was armed', () => {
    expect(nextAfter('@every 1m')).toBe('2030-01-01T00:01:00Z');
    expect(nextAfter('@every 1h30m', T0 + 1)).toBe('2030-01-01T01:30:00Z');
    expect(nextAfter('@every 5m', T0 + 5 * 60_000)).toBe('2030-01-01T00:10:00Z');
    expect(nextAfter('@every 90s', T0, T0 + 7000)).toBe('2030-01-01T00:01:37Z');
  });

  it('reads six UTC fields, seconds first, with names in any case and ?', () => {
    expect(nextAfter('0 0/5 * * * *')).toBe('2030-01-01T00:05:00Z');
    expect(nextAfter('0 0/5 * * * *', Date.parse('2030-01-01T00:05:00Z'))).toBe('2030-01-01T00:10:00Z');
    expect(nextAfter('0 30 9 ? * MON-FRI')).toBe('2030-01-01T09:30:00Z');
    expect(nextAfter('0 0 12 1 jul ?')).toBe('2030-07-01T12:00:00Z');
    expect(nextAfter('0 0 0 ? * sun')).toBe('2030-01-06T00:00:00Z');
  });

  it('runs in the zone CRON_TZ names', () => {
    // 04:00 in Shanghai (UTC+8) is 20:00 UTC the day before
    expect(nextAfter('CRON_TZ=Asia/Shanghai 0 0 4 * * *')).toBe('2030-01-01T20:00:00Z');
  });

  it('says what is wrong with a bad expression', () => {
    expect(problem('@every 30s')).toMatch(/under FC's minimum of one minute/);
    expect(problem('@every 5x')).toMatch(/@every takes a duration/);
    expect(problem('* * * * *')).toMatch(/six fields .* got 5/);
    expect(problem('0 0 0 * * * 2030')).toMatch(/got 7/);
    expect(problem('* * * * * *')).toMatch(/more than once a minute/);
    expect(problem('0 0 25 * * *')).toMatch(/0-23/);
    expect(problem('0 0 4 L * *')).toMatch(/'L' is not allowed/);
    expect(problem('CRON_TZ=Mars/Olympus 0 0 4 * * *')).toMatch(/not an IANA time zone/);
    expect(problem('bogus')).toMatch(/six fields/);
  });
});
