/** The run itself: `_data/run.json`, written by the runner after the stages. */

/** One stage's line in `_data/run.json` (for a cached stage: the run that made its outputs). */
export interface RunStage {
  name: string;
  /** The stages whose outputs it reads (pipeline/graph.ts). */
  after: string[];
  fingerprint: string;
  status: 'ran' | 'cached' | 'skipped';
  /** For a cached stage, the seconds, date and versions of the run that made its outputs. */
  seconds: number;
  finished_at: string | null;
  versions?: Record<string, string>;
  notes?: Record<string, unknown>;
}

/** `_data/run.json`, written after the stages by the runner: the one `_data` file that records times. */
export interface RunData {
  schema: number;
  /** The TensorFlow.js backend a stage used, or null. */
  backend: string | null;
  config_hash: string;
  seed: number;
  /** Every setting the pipeline ran with, defaults included. */
  config: Record<string, unknown>;
  stages: RunStage[];
  versions: Record<string, string>;
  version_changes: { stage: string; package: string; made_with: string | null; now: string | null }[];
}
