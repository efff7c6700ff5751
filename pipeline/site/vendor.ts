import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The UMD builds of vega, vega-lite and vega-embed (each package's `unpkg` entry), served locally. */
export function vendorScripts(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pkg of ['vega', 'vega-lite', 'vega-embed']) {
    const dir = join(root, 'node_modules', pkg);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { unpkg: string };
    out[join(dir, manifest.unpkg)] = `assets/js/vendor/${pkg}.min.js`;
  }
  return out;
}
