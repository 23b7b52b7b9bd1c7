import { z } from 'zod';
import { withRule } from './field-text.ts';
import { triggerName } from './names.ts';

// Triggers of FC 2.0 (FC2-API §5.1): the types fnplay runs, the ones it cannot, and their configs.

/** The trigger types fnplay runs: HTTP (the proxy) and timer (its own clock). */
export const RUNNABLE_TRIGGER_TYPES = ['http', 'timer'] as const;
export type TriggerType = (typeof RUNNABLE_TRIGGER_TYPES)[number];

/** FC's other trigger types: each is fed by a cloud service that fnplay does not have. */
export const CLOUD_TRIGGER_SOURCES: Record<string, string> = {
  oss: 'Object Storage Service (OSS)',
  log: 'Simple Log Service (SLS)',
  mns_topic: 'Message Service (MNS) topics',
  cdn_events: 'CDN events',
  tablestore: 'Tablestore',
  eventbridge: 'EventBridge',
};

/** Why fnplay refuses a trigger type, or null when it runs it. */
export function triggerTypeProblem(type: string): string | null {
  if ((RUNNABLE_TRIGGER_TYPES as readonly string[]).includes(type)) return null;
  const source = CLOUD_TRIGGER_SOURCES[type];
  if (source) return `'${type}' triggers need ${source}, a cloud service fnplay does not have: fnplay runs http and timer triggers only`;
  const valid = [...RUNNABLE_TRIGGER_TYPES, ...Object.keys(CLOUD_TRIGGER_SOURCES)].join(', ');
  return `'${type}' is not a trigger type; FC's are ${valid} (fnplay runs http and timer)`;
}

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'] as const;

export const httpTriggerConfig = z.object({
  authType: z.enum(['anonymous', 'function']).default('function'),
  methods: z.array(z.enum(HTTP_METHODS)).min(1).default(['GET']),
});
export type HttpTriggerConfig = z.infer<typeof httpTriggerConfig>;

/** FC caps a timer's trigger message at 128 KB, the asynchronous payload limit (FC time trigger docs). */
export const MAX_TIMER_PAYLOAD_BYTES = 128 * 1024;

const cronExpression = withRule(z.string({ message: 'must be a string: @every <interval> or a six-field cron expression' }).min(1), 'line');
const timerPayload = z
  .string({ message: 'must be a string (FC passes it to the function as the event\'s payload)' })
  .refine((s) => new TextEncoder().encode(s).length <= MAX_TIMER_PAYLOAD_BYTES, `must be at most ${MAX_TIMER_PAYLOAD_BYTES} bytes`);
const timerEnable = z.boolean({ message: 'must be a boolean (true or false)' });

/**
 * A timer trigger's config. The expression's syntax (cron fields, intervals, time zones) is
 * checked on the server, by the cron parser (src/server/resources/timer-schedule.ts).
 */
export const timerTriggerConfig = z.object({
  cronExpression,
  payload: timerPayload.default(''),
  // ⚠ FC does not document a default; the console creates timers enabled.
  enable: timerEnable.default(true),
});
export type TimerTriggerConfig = z.infer<typeof timerTriggerConfig>;

/** An update's timer config: the fields given replace, the rest are kept. */
export const timerTriggerConfigUpdate = z.object({ cronExpression: cronExpression.optional(), payload: timerPayload.optional(), enable: timerEnable.optional() });

const description = withRule(z.string().max(256), 'text');
const qualifier = withRule(z.string().max(128), 'line');
const arn = withRule(z.string().max(1024), 'line');

const triggerType = z.string({ message: 'is required: http or timer' }).superRefine((t, ctx) => {
  const problem = triggerTypeProblem(t);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const triggerFields = {
  triggerName,
  qualifier: qualifier.optional(),
  description: description.optional(),
  sourceArn: arn.optional(),
  invocationRole: arn.optional(),
};

/** CreateTrigger's body: the type is checked first, so a cloud type gets its own answer before its config is read. */
export const createTriggerBody = z
  .object({ triggerType })
  .passthrough()
  .pipe(
    z.discriminatedUnion('triggerType', [
      z.object({ ...triggerFields, triggerType: z.literal('http'), triggerConfig: httpTriggerConfig }),
      z.object({ ...triggerFields, triggerType: z.literal('timer'), triggerConfig: timerTriggerConfig }),
    ]),
  );
export type CreateTriggerBody = z.infer<typeof createTriggerBody>;

/** UpdateTrigger's body; its triggerConfig is read with the trigger's own type (updateTriggerConfig). */
export const updateTriggerBody = z.object({
  triggerConfig: z.unknown().optional(),
  qualifier: qualifier.optional(),
  description: description.optional(),
  invocationRole: arn.optional(),
});

/** The triggerConfig of an update, by the trigger's type; parsed under `triggerConfig` so errors name it. */
export const updateTriggerConfig = {
  http: z.object({ triggerConfig: httpTriggerConfig }),
  timer: z.object({ triggerConfig: timerTriggerConfigUpdate }),
} as const;

/** One timer trigger of a function with its next firing (`GET /api/functions/:s/:f/timers` → TimerList). */
export interface TimerInfo {
  triggerName: string;
  qualifier: string;
  cronExpression: string;
  enable: boolean;
  payload: string;
  /** ISO UTC time of the next firing, to the second; null while disabled */
  nextFireTime: string | null;
}
export interface TimerList {
  timers: TimerInfo[];
}
