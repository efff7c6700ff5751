/**
 * Streams the elements of a top-level JSON array (`[{...}, {...}]`) with the line each starts
 * on, so a manifest exported as one array is read like JSONL: element by element, never as
 * one string. A scanner tracks depth and strings across chunks and cuts the text at the
 * array's own commas; each element is then parsed by JSON.parse.
 */
import type { Readable } from 'node:stream';

export interface ArrayElement {
  /** 1-based line of the element's first character. */
  line: number;
  /** The element's text, for JSON.parse. */
  text: string;
}

export class JsonArraySyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** `input` must yield strings (a stream opened with an encoding), so no character is split. */
export async function* readJsonArray(input: Readable): AsyncGenerator<ArrayElement> {
  let line = 1;
  let depth = 0; // 0: before the array, 1: inside it, > 1: inside an element
  let inString = false;
  let escaped = false;
  let closed = false;
  let element: string[] = [];
  let elementLine = 0;
  const flush = function* (): Generator<ArrayElement> {
    const text = element.join('').trim();
    if (text !== '') yield { line: elementLine, text };
    element = [];
    elementLine = 0;
  };
  let first = true;
  for await (const chunk of input) {
    const text = first ? String(chunk).replace(/^\ufeff/, '') : String(chunk);
    first = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\n') line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (closed) {
        if (!/\s/.test(c)) throw new JsonArraySyntaxError('text after the closing ]', line);
        continue;
      }
      if (depth === 0) {
        if (c === '[') {
          depth = 1;
          start = i + 1;
        } else if (!/\s/.test(c)) throw new JsonArraySyntaxError('the file does not start with [', line);
        continue;
      }
      if (depth === 1 && (c === ',' || c === ']')) {
        element.push(text.slice(start, i));
        yield* flush();
        start = i + 1;
        if (c === ']') {
          depth = 0;
          closed = true;
        }
        continue;
      }
      if (depth === 1 && elementLine === 0 && !/\s/.test(c)) elementLine = line;
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
    }
    if (depth >= 1) element.push(text.slice(start));
  }
  if (!closed) throw new JsonArraySyntaxError('the array is not closed with ]', line);
}
