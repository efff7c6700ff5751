/**
 * Checks a `_data` file against its contract before it is written: the JSON Schema generated
 * from pipeline/contracts.ts (contract-schemas.json). A file that does not match is a bug in the
 * stage that made it, so the run stops naming the file and what is wrong, before any page can
 * show it. Files with no contract (a test's own stages) pass unchecked.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { DATA_FILE_TYPES } from '../contracts.ts';
import { StudyError } from './errors.ts';
import * as msg from './messages.ts';

const schemas = JSON.parse(readFileSync(new URL('../contract-schemas.json', import.meta.url), 'utf8')) as Record<string, object>;
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

/** The problems of `value` as `_data/<name>.json`, in words; empty when it matches its type. */
export function contractProblems(name: string, value: unknown): string[] {
  const type = DATA_FILE_TYPES[name];
  if (!type) return [];
  let validate = compiled.get(type);
  if (!validate) {
    validate = ajv.compile(schemas[type]!);
    compiled.set(type, validate);
  }
  // Through JSON, as the file will be read: undefined fields vanish, NaN becomes null.
  if (validate(JSON.parse(JSON.stringify(value)))) return [];
  return (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(top level)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` '${e.params.additionalProperty}'` : ''}`);
}

export function assertContract(name: string, value: unknown): void {
  const problems = contractProblems(name, value);
  if (problems.length) throw new StudyError(msg.dataContract(name, DATA_FILE_TYPES[name] ?? name, problems));
}
