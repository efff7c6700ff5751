/**
 * A streaming RFC 4180 reader that knows the line each record starts on (header = line 1),
 * which manifest messages must name. Handles a UTF-8 BOM, CRLF / LF / CR line breaks, quoted
 * fields with embedded separators (',' by default; ';', tab, '|' when asked), quotes ("") and line breaks, and blank lines (skipped).
 * csv-parse was tried first: its `info.lines` counts a CRLF inside a quoted field twice and
 * reports the line a record ends on, so line numbers drifted after such a record.
 */
import * as msg from '../core/messages.ts';

export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

/** The field separators `dataset.delimiter` "auto" chooses from, in the order ties are broken. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** Each candidate separator's count in a header line, outside quotes. */
export function delimiterCounts(header: string): Map<string, number> {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let inQuotes = false;
  for (const c of header) {
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  return counts;
}

/** The separator a header line uses most often outside quotes; ',' when it holds none. */
export function detectDelimiter(header: string): string {
  let best: string = ',';
  let most = 0;
  for (const [d, n] of delimiterCounts(header)) if (n > most) [best, most] = [d, n];
  return best;
}

export async function* readCsvRecords(chunks: AsyncIterable<string | Buffer>, delimiter = ','): AsyncGenerator<CsvRecord> {
  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let afterQuote = false; // just saw a quote inside a quoted field: "" or the closing quote
  let recordStarted = false;
  let lastWasCR = false;
  let first = true;

  const endField = () => {
    fields.push(field);
    field = '';
  };

  const decoder = new TextDecoder('utf-8');
  for await (const raw of chunks) {
    let chunk = typeof raw === 'string' ? raw : decoder.decode(raw, { stream: true });
    if (first && chunk.length > 0) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
    }
    const out: CsvRecord[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (lastWasCR) {
        lastWasCR = false;
        if (c === '\n') continue; // the LF of a CRLF pair already counted
      }
      if (inQuotes) {
        if (afterQuote) {
          afterQuote = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          inQuotes = false; // the quote closed the field; fall through to handle c
        } else if (c === '"') {
          afterQuote = true;
          continue;
        } else {
          if (c === '\r' || c === '\n') {
            line++;
            lastWasCR = c === '\r';
            field += c === '\r' ? '\n' : c;
          } else {
            field += c;
          }
          continue;
        }
      }
      if (c === delimiter) {
        recordStarted = true;
        endField();
      } else if (c === '\r' || c === '\n') {
        lastWasCR = c === '\r';
        if (recordStarted || field !== '') {
          endField();
          out.push({ line: recordLine, fields });
          fields = [];
        }
        recordStarted = false;
        line++;
        recordLine = line;
      } else if (c === '"' && field === '' && !recordStarted) {
        inQuotes = true;
        recordStarted = true;
      } else if (c === '"' && field === '') {
        inQuotes = true;
      } else {
        // A quote inside an unquoted field is kept as it is (lenient, as most readers are).
        field += c;
        recordStarted = true;
      }
    }
    yield* out;
  }
  if (inQuotes && !afterQuote) throw new CsvSyntaxError(msg.csvUnterminated(recordLine), recordLine);
  if (recordStarted || field !== '') {
    endField();
    yield { line: recordLine, fields };
  }
}
