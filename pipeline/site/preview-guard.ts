/**
 * The live preview's guard. Eleventy's dev server (2.1.2) listens on every interface, decodes
 * a request's path twice, tests containment with a string prefix (a sibling `_site-old` is
 * "inside" `_site`: 11ty/eleventy-dev-server#152) and lets a path it refuses throw out of the
 * request handler, which ends the process (#150). So `study serve` keeps the dev server, for
 * its live reload and DOM diffing, and wraps it: it binds the address asked for (loopback by
 * default), and every request is vetted before the server maps it to a file.
 */
import { realpathSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import * as msg from '../core/messages.ts';

export const LOOPBACK = '127.0.0.1';
/** Longer request targets are refused before any work (a path this long names no page). */
const MAX_TARGET = 2048;

export interface Verdict {
  status: number;
  reason: string;
}

/** Whether binding `host` keeps the preview on this machine. */
export const isLoopbackAddress = (host: string) => /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/i.test(host);

const isLoopbackHost = (host: string) => /^(localhost|[^:]+\.localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(host);

/**
 * Why a request must not reach the file mapping, or undefined when it may. The path is decoded
 * once; a `%` left after that (a double encoding), an encoded separator, a NUL byte or a `..`
 * segment is refused, and so is a file whose real path (links resolved) is not inside the site.
 */
export function vetRequest(target: string, hostHeader: string | undefined, site: string, loopbackOnly: boolean, realSite = () => realpathSync(site)): Verdict | undefined {
  if (target.length > MAX_TARGET) return { status: 414, reason: msg.previewRefused.tooLong() };
  // DNS rebinding: a page elsewhere may resolve its own name to 127.0.0.1; only loopback names are served.
  if (loopbackOnly && !isLoopbackHost(hostHeader ?? '')) return { status: 400, reason: msg.previewRefused.foreignHost() };
  const rawPath = target.split(/[?#]/, 1)[0] ?? '';
  if (!rawPath.startsWith('/')) return { status: 400, reason: msg.previewRefused.notAPath() };
  if (/%(2f|5c)/i.test(rawPath)) return { status: 400, reason: msg.previewRefused.encodedSeparator() };
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { status: 400, reason: msg.previewRefused.badEncoding() };
  }
  if (path.includes('\0')) return { status: 400, reason: msg.previewRefused.nulByte() };
  if (path.includes('%')) return { status: 400, reason: msg.previewRefused.encodedTwice() };
  if (path.split(/[/\\]/).includes('..')) return { status: 400, reason: msg.previewRefused.parentSegment() };
  if (path.includes('\\')) return { status: 400, reason: msg.previewRefused.backslash() };
  let real: string;
  try {
    real = realpathSync(resolve(site, `.${path}`));
  } catch {
    return undefined; // no such file: the server answers 404
  }
  const inside = relative(realSite(), real);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return { status: 403, reason: msg.previewRefused.outsideSite() };
  return undefined;
}

type Next = () => Promise<void> | void;

/** Eleventy dev server middleware: vetted requests go on; an error in the server's own mapping is a 400, never a crash. */
export function previewMiddleware(site: string, loopbackOnly: boolean) {
  // The site folder stays put across rebuilds (publish.ts; the preview writes into it): its real path once.
  let realSite: string | undefined;
  const siteReal = () => (realSite ??= realpathSync(site));
  return async function guard(req: IncomingMessage, res: ServerResponse, next: Next): Promise<void> {
    const verdict = vetRequest(req.url ?? '', req.headers.host, site, loopbackOnly, siteReal);
    if (verdict) return refuse(res, verdict);
    try {
      await next();
    } catch {
      refuse(res, { status: 400, reason: msg.previewRefused.badPath() });
    }
  };
}

function refuse(res: ServerResponse, verdict: Verdict): void {
  if (res.headersSent) return void res.end();
  res.statusCode = verdict.status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(`${verdict.status}: ${verdict.reason}\n`);
}

interface DevServer {
  options: { host?: string };
  server: { listen(options: { port: number; host?: string }): void };
  onRequestHandler(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

let patched = false;

/**
 * The dev server's class, changed in two places: it listens on `options.host` (it has no such
 * option), and a request whose handling throws is answered 400 instead of escaping.
 */
export function patchDevServer(): void {
  if (patched) return;
  patched = true;
  // The copy Eleventy itself loads (its dependency), not one of our own.
  const require = createRequire(createRequire(import.meta.url).resolve('@11ty/eleventy'));
  const DevServer = require('@11ty/eleventy-dev-server') as { prototype: DevServer };
  const handle = DevServer.prototype.onRequestHandler;
  Object.assign(DevServer.prototype, {
    _serverListen(this: DevServer, port: number) {
      this.server.listen({ port, host: this.options.host ?? LOOPBACK });
    },
    async onRequestHandler(this: DevServer, req: IncomingMessage, res: ServerResponse) {
      try {
        await handle.call(this, req, res);
      } catch {
        refuse(res, { status: 400, reason: msg.previewRefused.badPath() });
      }
    },
  });
}
