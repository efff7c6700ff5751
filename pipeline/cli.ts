#!/usr/bin/env node
/**
 * The `study` command. Messages go to stderr; with --json a command prints exactly one JSON
 * object on stdout. Expected errors print plainly: bad input (a file, a config key, a manifest
 * line) exits 1, a bad command line exits 2; anything else is a bug, its stack printed under --debug.
 */
import { parseArgs } from 'node:util';
import { createConsoleLogger } from './core/effects.ts';
import { errorMessage, isStudyError } from './core/errors.ts';
import { UsageError } from './core/options.ts';
import { commands } from './commands.ts';
import type { Command } from './command-types.ts';
import * as msg from './core/messages.ts';

const HELP = `study: rebuild a computer-vision study from raw data to a published site

Usage: study <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
  .join('\n')}

Run 'study <command> --help' for a command's options.
`;

function commandHelp(name: string, command: Command): string {
  const lines = Object.entries(command.options).map(([flag, o]) => {
    const value = o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : '';
    return `  --${flag}${value}`.padEnd(28) + (o.description ?? '');
  });
  return `Usage: study ${name} ${command.usage}\n\n${command.summary}\n\nOptions:\n${lines.join('\n')}\n  --json`.padEnd(0) + '\n';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const debug = rest.includes('--debug');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`study: unknown command '${name}'\n\n${HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(name, command));
    return 0;
  }
  const logger = createConsoleLogger();
  const stopHandlers = name === 'build' ? onStopSignals(name) : undefined;
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: rest.filter((a) => a !== '--debug'),
        options: { ...command.options, json: { type: 'boolean' } } as never,
        allowPositionals: command.positionals ?? false,
        strict: true,
      });
    } catch (error) {
      throw new UsageError(msg.badArguments(name, errorMessage(error), commandHelp(name, command)));
    }
    const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
    const result = await command.run({ values, positionals: parsed.positionals, logger });
    if (values.json && result !== undefined) process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  } catch (error) {
    if (isStudyError(error)) {
      process.stderr.write(`study ${name}: ${error.message}\n`);
      if (debug && error.cause) process.stderr.write(`${(error.cause as Error).stack ?? error.cause}\n`);
      return error.exitCode;
    }
    process.stderr.write(`study ${name}: unexpected error: ${errorMessage(error)}\n`);
    process.stderr.write(debug ? `${(error as Error).stack}\n` : 'Run again with --debug for the stack trace.\n');
    return 1;
  } finally {
    stopHandlers?.();
  }
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Ctrl-C or a SIGTERM during a build: one line saying the run stopped and that the next build
 * resumes (outputs are written atomically, so stopping at any moment is safe), then the exit
 * status a shell gives a process killed by that signal. Returns what removes the handlers.
 */
function onStopSignals(name: string): () => void {
  const handlers = Object.entries(SIGNAL_EXIT).map(([signal, code]) => {
    const handler = () => {
      process.stderr.write(`\nstudy ${name}: ${msg.runStopped(signal)}\n`);
      process.exit(code);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}

// Run when executed directly (npm scripts, bin/study.js), not when imported by tests.
const invokedDirectly = process.argv[1] && /cli\.ts$/.test(process.argv[1]);
if (invokedDirectly || process.env.STUDY_CLI === '1') {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
