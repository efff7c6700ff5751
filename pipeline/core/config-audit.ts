/**
 * Which configuration keys a stage reads, against the slice it declares: a stage that reads a key
 * outside its slice is not re-run when that key changes, so its outputs go stale. The runner
 * checks this when asked (the tests ask), by handing the stage a view of the configuration that
 * records every value it reads.
 */
type Plain = Record<string, unknown>;

const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const PATH = Symbol('config path');

/** A view of `config` that adds to `leaves` the path of every value read that is not an object. */
export function recordingView<T extends object>(config: T, leaves: Set<string>, prefix = ''): T {
  return new Proxy(config, {
    get(target, key, receiver) {
      if (key === PATH) return prefix;
      const value = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol') return value;
      const path = prefix ? `${prefix}.${key}` : key;
      if (isObject(value)) return recordingView(value, leaves, path);
      leaves.add(path);
      return value;
    },
  }) as T;
}

/** The paths a slice declares: the values it read, and whole objects it returned. */
export function declaredPaths(slice: (config: never) => unknown, config: object): Set<string> {
  const declared = new Set<string>();
  const result = slice(recordingView(config, declared) as never);
  const walk = (value: unknown) => {
    if (!isObject(value)) return;
    const path = (value as { [PATH]?: string })[PATH];
    if (typeof path === 'string') declared.add(path);
    else for (const v of Object.values(value)) walk(v);
  };
  walk(result);
  return declared;
}

/** Paths read that no declared path covers (itself or an enclosing object). */
export function undeclared(read: Set<string>, declared: Set<string>): string[] {
  return [...read].filter((p) => ![...declared].some((d) => p === d || p.startsWith(`${d}.`))).sort();
}
