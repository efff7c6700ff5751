/** What a `study` command is: its options, its usage line, and the function that runs it. */
import type { Logger } from './core/effects.ts';

export interface CommandInput {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  logger: Logger;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  description?: string;
  valueName?: string;
}

export interface Command {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  positionals?: boolean;
  run(input: CommandInput): Promise<unknown>;
}

export const backendOptionSpec: OptionSpec = { type: 'string', valueName: 'NAME', description: 'forward engine: auto, onnxruntime, or a TensorFlow.js backend (tensorflow, wasm, webgpu, cpu)' };

export const configOption: OptionSpec = { type: 'string', valueName: 'FILE', description: 'study configuration (default study.config.json)' };
