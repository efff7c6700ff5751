import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileHashes } from '../pipeline/core/file-hashes.ts';
import { makeTempDir } from './helpers/project.ts';

test('folder fingerprints follow content, not timestamps; links are not followed', async () => {
  const dir = await makeTempDir();
  const images = join(dir, 'images');
  await mkdir(join(images, 'sub'), { recursive: true });
  await writeFile(join(images, 'a.jpg'), 'a');
  await writeFile(join(images, 'sub', 'b.jpg'), 'b');
  await writeFile(join(dir, 'secret.txt'), 'outside');
  await symlink(join(dir, 'secret.txt'), join(images, 'link.jpg'));
  const hashes = await FileHashes.load(join(dir, 'hashes.json'));
  const first = await hashes.fingerprint(images);

  await utimes(join(images, 'a.jpg'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  assert.equal(await hashes.fingerprint(images), first, 'touching a file changes nothing');
  await writeFile(join(dir, 'secret.txt'), 'changed outside');
  assert.equal(await hashes.fingerprint(images), first, 'the link target is not read');

  await writeFile(join(images, 'sub', 'b.jpg'), 'B');
  const changed = await hashes.fingerprint(images);
  assert.notEqual(changed, first);
  await hashes.save();
  const reloaded = await FileHashes.load(join(dir, 'hashes.json'));
  assert.equal(await reloaded.fingerprint(images), changed);
  assert.equal(await reloaded.fingerprint(join(dir, 'nope')), 'missing');
});
