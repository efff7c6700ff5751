import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { resolveConfig, validateConfig } from '../../pipeline/core/config.ts';
import type { LoadedConfig } from '../../pipeline/core/config-types.ts';

/** A throwaway project folder, removed when the test file ends. */
export async function makeTempDir(prefix = 'study-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  // Retries: a failed site build may still be copying assets when its test ends.
  after(() => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));
  return dir;
}

/** A loaded configuration rooted in a fresh temporary project folder. */
export async function makeProject(raw: Record<string, unknown> = {}): Promise<LoadedConfig> {
  const root = await makeTempDir();
  return resolveConfig(await validateConfig(raw), join(root, 'study.config.json'));
}
