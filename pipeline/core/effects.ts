/**
 * Side effects handed to stages and commands: logging and progress. Tests pass a recording
 * logger; the CLI passes one that writes to stderr (stdout is reserved for --json output).
 */
import { withoutMachinePaths } from './public-text.ts';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** A progress reporter for `total` units of work (count, rate, ETA); total 0 when unknown. */
  progress(label: string, total: number): Progress;
}

export interface Progress {
  /** `count` more units done; `note` (e.g. the running loss) is shown after the rate. */
  tick(count?: number, note?: string): void;
  done(note?: string): void;
}

export interface ConsoleLoggerOptions {
  stream?: NodeJS.WriteStream;
  /** Seconds between plain progress lines when the stream is not a terminal (CI logs). */
  plainInterval?: number;
}

export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const interactive = Boolean(stream.isTTY) && !process.env.CI;
  const plainInterval = (options.plainInterval ?? 10) * 1000;
  return {
    info: (message) => stream.write(`${message}\n`),
    warn: (message) => stream.write(`warning: ${message}\n`),
    progress(label, total) {
      const started = Date.now();
      let count = 0;
      let lastLine = 0;
      let lastNote = '';
      const line = () => formatProgress(label, count, total, (Date.now() - started) / 1000) + (lastNote ? `, ${lastNote}` : '');
      return {
        tick(n = 1, note) {
          count += n;
          if (note !== undefined) lastNote = note;
          const now = Date.now();
          if (interactive && now - lastLine > 100) {
            stream.write(`\r${line()}\x1b[K`);
            lastLine = now;
          } else if (!interactive && now - lastLine > plainInterval) {
            if (lastLine !== 0) stream.write(`${line()}\n`);
            lastLine = now;
          }
        },
        done(note) {
          if (note !== undefined) lastNote = note;
          stream.write(`${interactive ? '\r' : ''}${line()}${interactive ? '\x1b[K' : ''}\n`);
        },
      };
    },
  };
}

export function formatProgress(label: string, count: number, total: number, seconds: number): string {
  const rate = seconds > 0 ? count / seconds : 0;
  const eta = rate > 0 && total > count ? ` ETA ${formatDuration((total - count) / rate)}` : '';
  return `  ${label}: ${count}${total > 0 ? `/${total}` : ''} (${rate.toFixed(1)}/s)${eta}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A logger that keeps every message, for tests. */
export function createRecordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(`warning: ${m}`),
    progress: (label) => ({ tick() {}, done: (note) => void lines.push(`${label}: done${note ? `, ${note}` : ''}`) }),
  };
}

/** `logger`, also keeping each line it is given in `lines` (machine folders made relative, publishable); progress keeps its last line. */
export function keepingLog(logger: Logger, lines: string[], roots: readonly string[]): Logger {
  const keep = (line: string) => void lines.push(withoutMachinePaths(line, roots));
  return {
    info(message) {
      keep(message);
      logger.info(message);
    },
    warn(message) {
      keep(`warning: ${message}`);
      logger.warn(message);
    },
    progress(label, total) {
      const inner = logger.progress(label, total);
      const started = performance.now();
      let count = 0;
      let last = '';
      return {
        tick(n = 1, note) {
          count += n;
          if (note !== undefined) last = note;
          inner.tick(n, note);
        },
        done(note) {
          if (note !== undefined) last = note;
          keep(formatProgress(label, count, total, (performance.now() - started) / 1000) + (last ? `, ${last}` : ''));
          inner.done(note);
        },
      };
    },
  };
}
