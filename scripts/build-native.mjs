#!/usr/bin/env node
// Builds the optional libjpeg-turbo decoder (native/jpeg) with node-gyp, run by `npm install`
// (postinstall). It needs a C compiler and libjpeg-turbo's headers (Debian: libjpeg62-turbo-dev);
// without them the build is skipped with a notice and sharp decodes every photo, so an install
// never fails here. `--require` turns a failed build into an error (CI); STUDY_NATIVE=skip skips.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const required = process.argv.includes('--require');
const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'jpeg');
const addon = join(folder, 'build', 'Release', 'jpeg_scaled.node');

if (process.env.STUDY_NATIVE === 'skip' && !required) {
  console.log('jpeg decoder: STUDY_NATIVE=skip, not built; sharp decodes every photo');
  process.exit(0);
}

// npm passes its bundled node-gyp to lifecycle scripts; run by hand, look beside npm.
const gyp = [
  process.env.npm_config_node_gyp,
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].find((p) => p && existsSync(p));

function fail(reason) {
  const message = `jpeg decoder not built: ${reason}\n  sharp will decode every photo (about 5x slower on JPEGs); to build it: apt-get install libjpeg62-turbo-dev && npm run build:native`;
  if (required) {
    console.error(message);
    process.exit(1);
  }
  console.warn(message);
  process.exit(0);
}

if (!gyp) fail('node-gyp not found (it ships with npm)');
// Node's own headers when they sit beside the binary (Debian, nvm, the official tarballs):
// node-gyp would otherwise try to download them, and these machines may be offline.
const prefix = join(dirname(process.execPath), '..');
const args = ['rebuild'];
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const result = spawnSync(process.execPath, [gyp, ...args], { cwd: folder, encoding: 'utf8' });
if (result.status !== 0) {
  const log = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').filter((l) => /error|not found|No such file/i.test(l));
  fail(log.slice(0, 6).join('\n  ') || `node-gyp exited with ${result.status}`);
}
try {
  const { libjpegVersion } = createRequire(import.meta.url)(addon);
  console.log(`jpeg decoder built against libjpeg-turbo ${libjpegVersion}`);
} catch (error) {
  fail(`built but does not load: ${error.message.split('\n')[0]}`);
}
