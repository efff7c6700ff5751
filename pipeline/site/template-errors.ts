/**
 * Template errors as an author can act on them: the page and its real line (Liquid counts from
 * the end of the front matter), and Eleventy's nested errors by their innermost message.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import * as msg from '../core/messages.ts';

/** Lines of a page's front matter, both `---` lines included (0 when it has none). */
export function frontMatterLines(text: string): number {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trimEnd() !== '---') return 0;
  const end = lines.findIndex((line, i) => i > 0 && /^---\s*$/.test(line));
  return end < 0 ? 0 : end + 1;
}

/** LiquidJS's position suffix: `…, file:PATH, line:N, col:M` (parse errors) or `…, line:N, col:M` (render errors). */
const LIQUID_POSITION = /^([\s\S]*?)(?:, file:(.+?))?, line:(\d+), col:(\d+)$/;
/** Eleventy's wrapper, which names the page when Liquid does not. */
const RENDERING_PAGE = /^Having trouble (?:rendering|compiling) \S+ template (.+)$/;

/**
 * A template error as the file, named from the project folder, and its real line: Liquid counts
 * lines from the end of the front matter (Eleventy hands it the page without it), so the front
 * matter's lines are added back.
 */
export function templatePosition(message: string, root = process.cwd(), page?: string): string | undefined {
  const match = LIQUID_POSITION.exec(message);
  const file = match?.[2] ?? page;
  if (!match || file === undefined) return undefined;
  const [, why, , line, column] = match as unknown as [string, string, string, string, string];
  const path = resolve(process.cwd(), file);
  const offset = existsSync(path) ? frontMatterLines(readFileSync(path, 'utf8')) : 0;
  return msg.templateError(relative(root, path).split(sep).join('/') || file, Number(line) + offset, Number(column), why);
}

/** Explains Eleventy's nested errors by their innermost message (which names page and key). */
export function explainBuildError(error: unknown, root = process.cwd()): string {
  const messages: string[] = [];
  let page: string | undefined;
  let current: unknown = error;
  while (current instanceof Error) {
    page = RENDERING_PAGE.exec(current.message)?.[1] ?? page;
    const positioned = templatePosition(current.message, root, page);
    if (positioned) return positioned;
    messages.push(current.message);
    current = (current as Error & { originalError?: unknown }).originalError ?? current.cause;
  }
  return [...new Set(messages)].join('\n  caused by: ');
}
