/**
 * The message catalogue: every user-facing error, warning and problem detail is written in
 * pipeline/core/messages.ts, and each message shows the values it is given.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import * as msg from '../pipeline/core/messages.ts';

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// A message written where it is raised: an error a user sees, a warning, a problem detail or a
// failure reason given a literal string or template.
const INLINE = [
  /new (StudyError|UsageError|CsvSyntaxError)\(\s*[`'"]/,
  /new FileError\([^,]+,\s*[`'"]/,
  /\.warn\(\s*[`'"]/,
  /warnings\.push\(\s*[`'"]/,
  /\bdetail:\s*[`'"]/,
  /\breason:\s*(`|'[^']*\s)/, // a reason code is one word; a sentence belongs in the catalogue
];

test('no user-facing message is written outside the catalogue', () => {
  const offenders: string[] = [];
  for (const file of sources(join(root, 'pipeline'))) {
    if (file.endsWith(join('core', 'messages.ts'))) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (INLINE.some((pattern) => pattern.test(line))) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(offenders, [], `messages written inline; move them to pipeline/core/messages.ts:\n${offenders.join('\n')}`);
});

/**
 * Calls a message with a distinct marker for each argument, as text, a list or a count (some
 * arguments are lists or numbers); returns the first rendering that shows every marker, or the
 * last one tried when none does.
 */
function render(message: (...args: never[]) => string): { text: string; markers: string[] } {
  const n = message.length;
  const markers = Array.from({ length: n }, (_, i) => String(7001 + 111 * i));
  let text = '';
  for (let combination = 0; combination < 3 ** n; combination++) {
    const args = markers.map((m, i) => [`V${m}`, [`V${m}`], Number(m)][Math.floor(combination / 3 ** i) % 3]);
    try {
      text = (message as (...a: unknown[]) => string)(...args);
    } catch {
      continue; // this combination gives a list where text is expected, or the reverse
    }
    if (markers.every((m) => text.includes(m))) break;
  }
  return { text, markers };
}

const entries = [
  ...Object.entries(msg).filter(([, v]) => typeof v === 'function'),
  ...Object.entries(msg.problem).map(([name, v]) => [`problem.${name}`, v] as const),
] as [string, (...args: never[]) => string][];

test('every message shows each value it is given', () => {
  assert.ok(entries.length > 100, `only ${entries.length} messages found`);
  for (const [name, message] of entries) {
    const { text, markers } = render(message);
    assert.equal(typeof text, 'string', name);
    assert.ok(text.length > 10, `${name}: '${text}' says too little`);
    for (const marker of markers) assert.ok(text.includes(marker), `${name} drops an argument: '${text}'`);
  }
});

test('a value the user gave is quoted as given, and the fix is named', () => {
  assert.equal(msg.integerOption('size', 'abc', 'from 16 to 1024'), "--size must be an integer from 16 to 1024, got 'abc'");
  assert.match(msg.problem.badLabel('sold', 'maybe', '0/1'), /'sold' is "maybe"; expected 0\/1/);
  assert.match(msg.problem.badLabel('sold', undefined, '0/1'), /no 'sold' field/);
  assert.match(msg.kAboveValidation('cluster.k.clip', 90, 40), /cluster\.k\.clip is 90, .* only 40 .* at most 40, or to null/);
  assert.match(msg.stageOutputNotJson('evaluate', 'Unexpected end'), /the evaluate stage's output is not valid JSON \(Unexpected end\).*--force --only evaluate/);
  assert.match(msg.stageOutputUnreadable('data', 'ENOENT', 'split'), /^cannot read split, written by the data stage \(ENOENT\); run 'study build --force --only data'/);
});

test('every config key a message names exists, and every value it tells the user to set is valid', () => {
  type Schema = { properties?: Record<string, Schema>; additionalProperties?: boolean | Schema; enum?: unknown[]; type?: string | string[]; anyOf?: Schema[]; oneOf?: Schema[] };
  const schema = JSON.parse(readFileSync(join(root, 'study.schema.json'), 'utf8')) as Schema;
  const sections = Object.keys(schema.properties!).filter((k) => schema.properties![k]!.properties);
  const lookup = (path: string[]): Schema | undefined => {
    let node: Schema | undefined = schema;
    for (const part of path) {
      const next: Schema | undefined = node?.properties?.[part] ?? (typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined);
      node = next ?? node?.anyOf?.concat(node.oneOf ?? []).map((s) => s.properties?.[part]).find(Boolean);
      if (!node) return undefined;
    }
    return node;
  };
  // The catalogue, and the templates that word the findings for a reader.
  const files = ['pipeline/core/messages.ts', 'pipeline/findings/wording.ts'];
  const keyPattern = new RegExp(`\\b(${sections.join('|')})\\.([a-z_]+)(?:\\.([a-z_]+))?\\b(?!\\()`, 'g');
  const named: string[] = [];
  const wrong: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const match of text.matchAll(keyPattern)) {
      // `dataset.columns.${key}`: the last part is filled in when the message is written.
      const path = match.slice(1).filter(Boolean) as string[];
      if (text[match.index! + match[0].length] === '$') path.pop();
      named.push(path.join('.'));
      if (!lookup(path)) wrong.push(`${file}: '${path.join('.')}' is not a config key`);
    }
    // "set model.inference and model.engine to "tfjs"": each key must accept the value.
    for (const match of text.matchAll(/set ((?:[a-z_]+\.[a-z_.]+(?:,? and |, )?)+) to \\?"([^"\\]+)\\?"/g)) {
      for (const key of match[1]!.split(/,? and |, /)) {
        const node = lookup(key.split('.'));
        if (node?.enum && !node.enum.includes(match[2])) wrong.push(`${file}: ${key} cannot be "${match[2]}" (it is one of ${node.enum.join(', ')})`);
      }
    }
  }
  assert.ok(named.length > 30, `only ${named.length} config keys named`);
  assert.deepEqual(wrong, []);
});
