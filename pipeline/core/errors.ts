/**
 * Expected errors: bad input the user can fix. The CLI prints them plainly (no stack) and
 * exits with `exitCode`; anything else is a bug and is printed with its stack under --debug.
 */
export class StudyError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StudyError';
    this.exitCode = options.exitCode ?? 1;
  }
}

/** An error about one file, optionally one line of it: the message always names both. */
export class FileError extends StudyError {
  readonly file: string;
  readonly line?: number;
  constructor(file: string, message: string, line?: number, cause?: unknown) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`, { cause });
    this.name = 'FileError';
    this.file = file;
    this.line = line;
  }
}

export function isStudyError(error: unknown): error is StudyError {
  return error instanceof StudyError;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
