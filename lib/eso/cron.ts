/**
 * The cron syntax of a Kubernetes CronJob's `schedule`: five fields (minute, hour, day of month,
 * month, day of week), each `*`, a number, a range, a list, with an optional `/step`; month and
 * day names; or one of the macros.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */
const FIELDS: { readonly min: number; readonly max: number; readonly names?: string[] }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** Whether `expression` is a schedule a CronJob accepts. */
export function isCronExpression(expression: string): boolean {
  const text = expression.trim();
  if (MACROS.includes(text)) return true;
  const fields = text.split(/\s+/);
  return fields.length === 5 && fields.every((field, i) => field.split(',').every((item) => isCronItem(item, FIELDS[i])));
}

function isCronItem(item: string, field: (typeof FIELDS)[number]): boolean {
  const [range, step, ...rest] = item.split('/');
  if (rest.length > 0 || (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0))) return false;
  if (range === '*' || range === '?') return true;
  const bounds = range.split('-');
  if (bounds.length > 2) return false;
  const values = bounds.map((b) => valueOf(b, field));
  if (values.some((v) => v === undefined)) return false;
  return values.length === 1 || (values[0] as number) <= (values[1] as number);
}

function valueOf(text: string, field: (typeof FIELDS)[number]): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}
