import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The task probeTaskFolder defines. */
export const PROBE_TASK = 'data_dir_probe';

/** A data folder whose one dataset and few-shot file say which folder they came from. */
export function probeDataFolder(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `evalboard-data-${label}-`));
  mkdirSync(join(dir, 'probe'));
  writeFileSync(join(dir, 'probe', 'test.jsonl'), `${JSON.stringify({ q: `eval from ${label}`, a: 'x' })}\n`);
  writeFileSync(join(dir, 'probe', 'shot.txt'), `shot from ${label}`);
  return dir;
}

/** A task folder: eval docs from <dataDir>/probe, few-shot samples from a function handed dataDir. */
export function probeTaskFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'evalboard-probe-tasks-'));
  writeFileSync(
    join(dir, 'probe.yaml'),
    `task: ${PROBE_TASK}\ndataset_path: probe\ntest_split: test\ndoc_to_text: "{{q}}"\ndoc_to_target: "{{a}}"\nfewshot_config:\n  samples: !function utils.samples\n`,
  );
  writeFileSync(
    join(dir, 'utils.mjs'),
    "import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';\nexport const samples = ({ dataDir }) => [{ q: readFileSync(join(dataDir, 'probe', 'shot.txt'), 'utf8'), a: 'y' }];\n",
  );
  return dir;
}

/** Runs `use` with $EVALBOARD_DATA_DIR set to `value` (unset when undefined), restoring it after. */
export async function withDataDirEnv<T>(value: string | undefined, use: () => Promise<T>): Promise<T> {
  const saved = process.env.EVALBOARD_DATA_DIR;
  const set = (v: string | undefined) => {
    if (v === undefined) delete process.env.EVALBOARD_DATA_DIR;
    else process.env.EVALBOARD_DATA_DIR = v;
  };
  set(value);
  try {
    return await use();
  } finally {
    set(saved);
  }
}
