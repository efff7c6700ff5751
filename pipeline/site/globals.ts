import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '../core/config-types.ts';

/** What every page may read as `study.*`: settings that change how the site is published. */
export function siteGlobals(loaded: LoadedConfig) {
  const { config } = loaded;
  return {
    title: config.title,
    simulated_labels: config.dataset.simulated_labels,
    thumbnails: config.site.thumbnails,
    noindex: config.site.noindex,
    seed: config.seed,
  };
}

const packagedReference = fileURLToPath(new URL('../../_data/study_reference.json', import.meta.url));

/** The published study's own figures: the project's `_data/study_reference.json`, else the packaged one. */
export function studyReferencePath(loaded: LoadedConfig): string {
  const own = join(loaded.resolved.data, 'study_reference.json');
  return existsSync(own) ? own : packagedReference;
}

export function loadStudyReference(loaded: LoadedConfig): unknown {
  return JSON.parse(readFileSync(studyReferencePath(loaded), 'utf8'));
}
