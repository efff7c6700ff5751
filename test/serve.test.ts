/**
 * The live preview against hostile requests: `study serve` on a free port, then encoded and
 * double-encoded traversal, encoded separators, a sibling `_site-old`, NUL bytes, a symlink out
 * of the site, an 8 KB path, a foreign Host header and 200 requests at once. No answer may
 * carry a file from outside the site, the server must still answer, listen on loopback only,
 * and still rebuild a page that changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { vetRequest } from '../pipeline/site/preview-guard.ts';
import { makeTempDir } from './helpers/project.ts';

const bin = fileURLToPath(new URL('../bin/study.js', import.meta.url));
const SECRET = 'the-sibling-folder-secret-8d1f';
const root = await makeTempDir('study-serve-');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** One raw HTTP/1.1 request, the target sent exactly as given (no client-side normalising). */
function raw(port: number, target: string, host: string | null = `127.0.0.1:${port}`): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text });
    });
    socket.write(`GET ${target} HTTP/1.1\r\n${host === null ? '' : `Host: ${host}\r\n`}Connection: close\r\n\r\n`, 'latin1');
    socket.setTimeout(15_000, () => socket.destroy(new Error(`no answer to ${target.slice(0, 80)}`)));
  });
}

/** The local addresses of listening TCP sockets on `port`, from /proc/net/tcp{,6}. */
function listeningAddresses(port: number): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A' || !local.endsWith(`:${hex}`)) continue;
      const address = local.split(':')[0]!;
      out.push(address.length === 8 ? address.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.') : address);
    }
  }
  return out;
}

test('vetRequest: what is refused before the dev server maps a path', async () => {
  const site = join(root, 'vet-site');
  await mkdir(site, { recursive: true });
  await writeFile(join(site, 'page.html'), 'ok');
  const ok = (t: string) => vetRequest(t, 'localhost:8080', site, true);
  assert.equal(ok('/'), undefined);
  assert.equal(ok('/page.html?x=%2f#y'), undefined);
  assert.equal(ok('/no-such-file.png'), undefined);
  assert.equal(ok('/caf%C3%A9.html'), undefined);
  for (const [target, status] of [
    ['/..%2fetc%2fpasswd', 400],
    ['/..%5Cwin.ini', 400],
    ['/%2e%2e/etc/passwd', 400],
    ['/%252e%252e/etc/passwd', 400],
    ['/../etc/passwd', 400],
    ['/a%00.html', 400],
    ['/%E0%A4%A', 400],
    ['/a\\b', 400],
    ['*', 400],
    ['/' + 'a'.repeat(8192), 414],
  ] as const) {
    assert.equal(ok(target)?.status, status, target.slice(0, 40));
  }
  assert.equal(vetRequest('/', 'evil.example', site, true)?.status, 400);
  assert.equal(vetRequest('/', undefined, site, true)?.status, 400);
  assert.equal(vetRequest('/', 'evil.example', site, false), undefined);
  for (const host of ['127.0.0.1:9', 'localhost', '[::1]:80', 'app.localhost:1']) assert.equal(vetRequest('/', host, site, true), undefined, host);
});

test('study serve: loopback only, hostile requests answered without a file from outside the site, live rebuild kept', async (t) => {
  await mkdir(join(root, 'content'), { recursive: true });
  await writeFile(join(root, 'content', 'index.md'), '---\ntitle: Draft\nlayout: false\n---\n<p>first draft</p>\n');
  await writeFile(join(root, 'study.config.json'), '{}');
  await mkdir(join(root, '_site-old'), { recursive: true });
  await writeFile(join(root, '_site-old', 'secret.txt'), SECRET);
  await writeFile(join(root, 'outside.txt'), SECRET);
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  t.after(() => void child.kill('SIGTERM'));
  const deadline = Date.now() + 60_000;
  while (!output.includes('[serve] live preview at') && exited === null && Date.now() < deadline) await sleep(100);
  assert.match(output, new RegExp(`\\[serve\\] live preview at http://127\\.0\\.0\\.1:${port}/ \\(this machine only`), output);

  // Listening on the loopback address only.
  if (existsSync('/proc/net/tcp')) assert.deepEqual([...new Set(listeningAddresses(port))], ['127.0.0.1']);

  // A link from inside the built site to a file outside it.
  await symlink(join(root, 'outside.txt'), join(root, '_site', 'link.txt'));

  const hostile = [
    '/..%2f..%2f..%2fetc%2fpasswd',
    '/..%2F_site-old%2Fsecret.txt',
    '/..%5c_site-old%5csecret.txt',
    '/%2e%2e/_site-old/secret.txt',
    '/%2e%2e%2f_site-old%2fsecret.txt',
    '/%252e%252e%252f_site-old%252fsecret.txt',
    '/../_site-old/secret.txt',
    '/../../../../etc/passwd',
    '/.11ty/../../_site-old/secret.txt',
    '/_site-old/secret.txt',
    '/link.txt',
    '/index.html%00.txt',
    '/%00',
    '/a\0b',
    '/' + 'a'.repeat(8192),
    '*',
  ];
  for (const target of hostile) {
    const { status, body } = await raw(port, target);
    assert.ok(status >= 400 && status < 500, `${target.slice(0, 60)} answered ${status}`);
    assert.ok(!body.includes(SECRET) && !body.includes('root:x:0:0'), `${target.slice(0, 60)} leaked a file`);
  }
  assert.equal((await raw(port, '/', 'evil.example')).status, 400);
  assert.equal((await raw(port, '/', null)).status, 400);

  // 200 at once, hostile and plain mixed: every one answered, none leaking.
  const burst = await Promise.all(Array.from({ length: 200 }, (_, i) => raw(port, i % 2 ? hostile[i % hostile.length]! : '/')));
  assert.equal(burst.length, 200);
  for (const [i, { status, body }] of burst.entries()) {
    assert.ok(i % 2 ? status >= 400 : status === 200, `request ${i}: ${status}`);
    assert.ok(!body.includes(SECRET));
  }

  // Still alive, still serving, and a changed page is rebuilt and served.
  assert.equal(exited, null, output);
  const home = await raw(port, '/');
  assert.equal(home.status, 200);
  assert.match(home.body, /first draft/);
  assert.match(home.body, /src="\/\.11ty\/reload-client\.js"/);
  assert.equal((await raw(port, '/.11ty/reload-client.js')).status, 200);
  await writeFile(join(root, 'content', 'index.md'), '---\ntitle: Draft\nlayout: false\n---\n<p>second draft</p>\n');
  let rebuilt = '';
  for (const until = Date.now() + 30_000; !rebuilt.includes('second draft') && Date.now() < until; ) {
    await sleep(200);
    rebuilt = (await raw(port, '/')).body;
  }
  assert.match(rebuilt, /second draft/);
  assert.doesNotMatch(output, /Error: Invalid path|unexpected error/, output);
});
