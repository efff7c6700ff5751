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

/**
 * RFC 4180 as a state machine over characters, fed chunk by chunk: quoted fields (with `""`
 * and line breaks inside, a CR kept as LF), CRLF or LF or CR between records, blank lines
 * skipped, and each record's first line counted.
 */
class CsvTokenizer {
  private line = 1;
  private recordLine = 1;
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  private afterQuote = false; // just saw a quote inside a quoted field: "" or the closing quote
  private recordStarted = false;
  private lastWasCR = false;

  constructor(private readonly delimiter: string) {}

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
  }

  /** Inside a quoted field: true when the character was consumed there. */
  private quoted(c: string): boolean {
    if (this.afterQuote) {
      this.afterQuote = false;
      if (c === '"') {
        this.field += '"';
        return true;
      }
      this.inQuotes = false; // the quote closed the field; c is handled outside it
      return false;
    }
    if (c === '"') this.afterQuote = true;
    else if (c === '\r' || c === '\n') {
      this.line++;
      this.lastWasCR = c === '\r';
      this.field += c === '\r' ? '\n' : c;
    } else this.field += c;
    return true;
  }

  feed(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.lastWasCR) {
        this.lastWasCR = false;
        if (c === '\n') continue; // the LF of a CRLF pair already counted
      }
      if (this.inQuotes && this.quoted(c)) continue;
      if (c === this.delimiter) {
        this.recordStarted = true;
        this.endField();
      } else if (c === '\r' || c === '\n') {
        this.lastWasCR = c === '\r';
        if (this.recordStarted || this.field !== '') {
          this.endField();
          out.push({ line: this.recordLine, fields: this.fields });
          this.fields = [];
        }
        this.recordStarted = false;
        this.line++;
        this.recordLine = this.line;
      } else if (c === '"' && this.field === '') {
        this.inQuotes = true;
        this.recordStarted = true;
      } else {
        // A quote inside an unquoted field is kept as it is (lenient, as most readers are).
        this.field += c;
        this.recordStarted = true;
      }
    }
    return out;
  }

  /** The last record, when the input does not end with a line break. */
  end(): CsvRecord | undefined {
    if (this.inQuotes && !this.afterQuote) throw new CsvSyntaxError(msg.csvUnterminated(this.recordLine), this.recordLine);
    if (!this.recordStarted && this.field === '') return undefined;
    this.endField();
    return { line: this.recordLine, fields: this.fields };
  }
}

export async function* readCsvRecords(chunks: AsyncIterable<string | Buffer>, delimiter = ','): AsyncGenerator<CsvRecord> {
  const tokenizer = new CsvTokenizer(delimiter);
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const raw of chunks) {
    let chunk = typeof raw === 'string' ? raw : decoder.decode(raw, { stream: true });
    if (first && chunk.length > 0) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
    }
    yield* tokenizer.feed(chunk);
  }
  const last = tokenizer.end();
  if (last) yield last;
}
