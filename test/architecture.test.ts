/**
 * The house's shape, checked: no two modules of pipeline/ import each other in a loop (type
 * imports included: a loop of types is a loop of concepts), and no module is over 300 lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? modules(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Each module's static imports of other modules in the project (`import`/`export ... from`). */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\b[^'"]*?\bfrom '(\.[^']+\.ts)'/gm)].map((m) => resolve(dirname(file), m[1]!));
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected components with more than one module (Tarjan). */
function loops(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('loops are found by the checker itself (a -> b -> c -> a, and a lone self-free module)', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ]);
  assert.deepEqual(loops(graph).map((c) => c.sort()), [['a', 'b', 'c']]);
});

test('no two modules of pipeline/ import each other in a loop', () => {
  const graph = importGraph(modules(join(root, 'pipeline')));
  assert.ok(graph.size > 100, `only ${graph.size} modules`);
  const found = loops(graph).map((c) => c.map((f) => relative(root, f)).sort().join(' <-> '));
  assert.deepEqual(found, []);
});

test('no module of pipeline/ is over 300 lines', () => {
  const long = modules(join(root, 'pipeline'))
    .map((file) => ({ file: relative(root, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
    .filter((m) => m.lines > 300)
    .map((m) => `${m.file}: ${m.lines} lines`);
  assert.deepEqual(long, []);
});
