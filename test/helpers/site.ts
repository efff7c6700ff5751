import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../pipeline/core/config.ts';
import type { LoadedConfig } from '../../pipeline/core/config-types.ts';
import { makeTempDir } from './project.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A temporary study project whose content is a copy of the repository's (so a test may add a
 * page) and whose config is `raw` plus that content folder.
 */
export async function makeSiteProject(raw: Record<string, unknown> = {}): Promise<LoadedConfig> {
  const root = await makeTempDir('study-site-');
  await cp(join(repoRoot, 'content'), join(root, 'content'), { recursive: true });
  const file = join(root, 'study.config.json');
  await writeFile(file, JSON.stringify(raw));
  return loadConfig(file);
}
