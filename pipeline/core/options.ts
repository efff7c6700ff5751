/**
 * Command-line options: a usage error exits 2 and names the option, the value it got and what
 * would work. Values are validated where they are parsed, never passed on as NaN.
 */
import { StudyError } from './errors.ts';
import * as msg from './messages.ts';

/** A bad command line (exit code 2), as opposed to bad input files (exit code 1). */
export class UsageError extends StudyError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
    this.name = 'UsageError';
  }
}

type Raw = unknown;

function present(value: Raw): value is string {
  return typeof value === 'string';
}

/** An integer in [min, max]; `fallback` when the option is absent. */
export function integerOption(value: Raw, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!present(value)) return fallback;
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(msg.integerOption(name, value, max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`));
  }
  return n;
}

/** An optional integer in [min, max]: undefined when absent. */
export function optionalIntegerOption(value: Raw, name: string, min: number, max?: number): number | undefined {
  return present(value) ? integerOption(value, name, 0, min, max) : undefined;
}

/** A finite number within the bounds given (`above` is exclusive); `fallback` when absent. */
export function numberOption(value: Raw, name: string, fallback: number, bounds: { min?: number; above?: number; max?: number } = {}): number {
  if (!present(value)) return fallback;
  const n = value.trim() === '' ? NaN : Number(value);
  const { min, above, max } = bounds;
  const ok = Number.isFinite(n) && (min === undefined || n >= min) && (above === undefined || n > above) && (max === undefined || n <= max);
  if (!ok) {
    const range = [above !== undefined ? `> ${above}` : min !== undefined ? `>= ${min}` : '', max !== undefined ? `<= ${max}` : ''].filter(Boolean).join(' and ');
    throw new UsageError(msg.numberOption(name, value, range));
  }
  return n;
}

/** One of `allowed`; `fallback` when absent. */
export function enumOption<T extends string>(value: Raw, name: string, allowed: readonly T[], fallback?: T): T | undefined {
  if (!present(value)) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(msg.enumOption(name, value, allowed));
  return value as T;
}
