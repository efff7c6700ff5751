/**
 * Anchors: the tools a user would pick instead, run on the same inputs in the same run.
 * Debian's python3-pil / -sklearn / -torch install for /usr/bin/python3 (not the `python3`
 * first on PATH); when a module is missing the anchor is skipped with a note.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

export const PYTHON = '/usr/bin/python3';

export function pythonHas(module: string): boolean {
  return spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0;
}

/** Runs a Python snippet that prints one JSON object on its last line. */
export function runPython(code: string, args: string[] = []): Record<string, number> {
  const result = spawnSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`python anchor failed: ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

/** The thread counts an anchor is tried at: one, and every core. */
export const ANCHOR_THREADS = [...new Set([1, cpus().length])];

/**
 * An anchor at its best thread count: measured at each of ANCHOR_THREADS, the run `better`
 * prefers is kept, so a library that picks one thread by default is not the straw man.
 */
export function atBestThreads<T extends Record<string, unknown>>(measure: (threads: number) => T, better: (a: T, b: T) => boolean): T & { threads: number } {
  let best: (T & { threads: number }) | undefined;
  for (const threads of ANCHOR_THREADS) {
    const run = { threads, ...measure(threads) };
    if (!best || better(run, best)) best = run;
  }
  return best!;
}

export const PIL_RESIZE = `
import json, sys, time
from PIL import Image, ImageOps
paths = sys.argv[2:]
size = int(sys.argv[1])
def run(draft):
    t = time.perf_counter()
    for p in paths:
        im = Image.open(p)
        if draft:
            im.draft('RGB', (size, size))
        im = ImageOps.exif_transpose(im).convert('RGB')
        ImageOps.fit(im, (size, size), Image.BILINEAR).tobytes()
    return len(paths) / (time.perf_counter() - t)
run(False)
import resource
median = lambda draft: sorted(run(draft) for _ in range(3))[1]
print(json.dumps({"pil": median(False), "pil_draft": median(True), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
`;
