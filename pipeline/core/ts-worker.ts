/**
 * A worker thread running a TypeScript module. Workers do not inherit hooks registered
 * through tsx's API (bin/study.js), so the worker registers tsx itself before importing.
 */
import { Worker } from 'node:worker_threads';

export function startTsWorker(module: URL): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(code, { eval: true });
}
