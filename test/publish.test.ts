/** A new build replaces the site's files in place: the folder stays (a server started in it keeps serving), stale files go. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { publishSite } from '../pipeline/site/publish.ts';
import { makeTempDir } from './helpers/project.ts';

async function tree(root: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

test('publishSite: files replaced in place, stale ones and empty folders removed, file/folder swaps handled', async () => {
  const root = await makeTempDir('study-publish-');
  const site = join(root, '_site');
  const built = join(root, '._site.building');
  await tree(site, { 'index.html': 'old', 'gone/page.html': 'stale', 'was-file': 'x', 'was-folder/a.txt': 'y', 'keep/b.css': 'old css' });
  await tree(built, { 'index.html': 'new', 'was-file/inside.txt': 'now a folder', 'was-folder': 'now a file', 'keep/b.css': 'new css', 'new/c.js': 'js' });
  const before = await stat(site);
  await publishSite(built, site);
  assert.equal((await stat(site)).ino, before.ino, 'the site folder itself is kept');
  assert.equal(await readFile(join(site, 'index.html'), 'utf8'), 'new');
  assert.equal(await readFile(join(site, 'keep/b.css'), 'utf8'), 'new css');
  assert.equal(await readFile(join(site, 'new/c.js'), 'utf8'), 'js');
  assert.equal(await readFile(join(site, 'was-file/inside.txt'), 'utf8'), 'now a folder');
  assert.equal(await readFile(join(site, 'was-folder'), 'utf8'), 'now a file');
  assert.ok(!existsSync(join(site, 'gone')), 'a folder left empty is removed');
  assert.ok(!existsSync(built), 'the build folder is gone');
  // Into a site that does not exist yet.
  await tree(built, { 'index.html': 'first' });
  await publishSite(built, join(root, 'fresh'));
  assert.equal(await readFile(join(root, 'fresh/index.html'), 'utf8'), 'first');
});
