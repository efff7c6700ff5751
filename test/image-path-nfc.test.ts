/** Photo names match under Unicode NFC: NFD on disk, NFC in the manifest (and the reverse). */
import assert from 'node:assert/strict';
import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveImagePath } from '../pipeline/data/image-path.ts';
import { makeTempDir } from './helpers/project.ts';

const composed = 'Mäntel/café.jpg'.normalize('NFC');
const decomposed = composed.normalize('NFD');

test('a file stored NFD is found from an NFC manifest path, and the reverse', async () => {
  assert.notEqual(composed, decomposed);
  const root = await realpath(await makeTempDir());
  await mkdir(join(root, 'Mäntel'.normalize('NFD')));
  await writeFile(join(root, decomposed), 'x');
  await mkdir(join(root, 'Röcke'.normalize('NFC')));
  await writeFile(join(root, 'Röcke/straße.jpg'.normalize('NFC')), 'y');

  const nfcToNfd = await resolveImagePath(root, composed);
  assert.deepEqual(nfcToNfd, { ok: true, path: join(root, decomposed) });
  const nfdToNfc = await resolveImagePath(root, 'Röcke/straße.jpg'.normalize('NFD'));
  assert.deepEqual(nfdToNfc, { ok: true, path: join(root, 'Röcke/straße.jpg'.normalize('NFC')) });
  const exact = await resolveImagePath(root, decomposed);
  assert.equal(exact.ok, true);
  const absent = await resolveImagePath(root, 'Mäntel/tee.jpg');
  assert.equal(absent.ok ? 'found' : absent.reason, 'missing');
});

test('the NFC fallback keeps the outside-root protections', async () => {
  const base = await realpath(await makeTempDir());
  const root = join(base, 'images');
  await mkdir(root);
  await writeFile(join(base, 'secret-é.jpg'.normalize('NFD')), 'z');
  // A link, named NFD, to a file outside the root, looked up by its NFC name.
  await symlink(join(base, 'secret-é.jpg'.normalize('NFD')), join(root, 'link-é.jpg'.normalize('NFD')));
  const linked = await resolveImagePath(root, 'link-é.jpg'.normalize('NFC'));
  assert.equal(linked.ok ? 'found' : linked.reason, 'outside_root');
  const climbing = await resolveImagePath(root, '../secret-é.jpg'.normalize('NFC'));
  assert.equal(climbing.ok ? 'found' : climbing.reason, 'outside_root');
});
