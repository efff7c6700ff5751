import { cp, readdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../pipeline/core/config.ts';
import type { LoadedConfig } from '../../pipeline/core/config-types.ts';
import { makeTempDir } from './project.ts';
import { makeBadCorpus, toCsv } from './bad-corpus.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A temporary study project whose content is a copy of the repository's (so a test may add a
 * page) and whose config is `raw` plus that content folder.
 */
export async function makeSiteProject(raw: Record<string, unknown> = {}): Promise<LoadedConfig> {
  const root = await makeTempDir('study-site-');
  await cp(join(repoRoot, 'content'), join(root, 'content'), { recursive: true });
  // A small dataset with every kind of bad row and hostile text, as the site's data.
  const corpus = await makeBadCorpus(join(root, 'data'), 30);
  await writeFile(join(root, 'data/manifest.csv'), toCsv(corpus.rows, ['id', 'image', 'sold', 'group', 'title', 'category']));
  const file = join(root, 'study.config.json');
  const dataset = { manifest: 'data/manifest.csv', images: 'data/images', columns: { group: 'group' }, train_per_class: 10, validation_per_class: 5, validation_fraction: 0.3 };
  // The real stages at a tiny size: 32 px, a narrow network from random initialisation, one epoch.
  const small = {
    preprocess: { size: 32 },
    model: { weights: 'none', blocks: [1, 1, 1, 1], width_per_group: 4 },
    train: { epochs: 1, batch_size: 8, micro_batch: 8 },
    // The tiny CLIP fixture stands in for the hub model (tests download nothing).
    clip: { model: join(repoRoot, 'test/fixtures/tiny-clip/model') },
  };
  await writeFile(file, JSON.stringify({ ...small, ...raw, dataset: { ...dataset, ...((raw.dataset as object) ?? {}) } }));
  return loadConfig(file);
}

/**
 * When a page fails to render, Eleventy rejects at once but its passthrough copies of the
 * generated pictures carry on, and one that finds its source gone (the test's folder removed
 * when it ends) rejects with nobody listening, which ends the test process. A test that
 * expects a failed build waits here until every generated file has reached the site folder.
 */
export async function settlePassthrough(loaded: LoadedConfig, timeoutMs = 30_000): Promise<void> {
  const list = async (dir: string) => (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile() && !e.name.startsWith('.')).length;
  const expected = await list(loaded.resolved.assets);
  const deadline = Date.now() + timeoutMs;
  // study build writes into a folder beside the site and swaps it in only when the build succeeds.
  const site = loaded.resolved.site;
  const building = join(dirname(site), `.${basename(site)}.building`);
  const written = async () => Math.max(await list(join(building, 'assets/generated')), await list(join(site, 'assets/generated')));
  while ((await written()) < expected && Date.now() < deadline) await sleep(50);
  await sleep(100); // the last file's write may still be open
}
