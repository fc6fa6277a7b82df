/**
 * Archives and gold for the service tests, built at run time from ../shared (nothing of it is
 * written into the repository): MERA's v1.1 sample submission, a gold folder derived from it, and a
 * real evalboard run of stories260K.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import yazl from 'yazl';
import { evalboard, ROOT, STORIES, tempDir } from './helpers.ts';

export const MERA_SAMPLE_ZIP = join(ROOT, '../shared/datasets/mera/submission-example/sample_submission_v1.1.zip');
export const MERA_BAD_ZIP = join(ROOT, '../shared/datasets/mera/submission-example/sample_submission_bad.zip');

export interface MeraRecordJson {
  outputs: unknown;
  meta: { id: number | string; [k: string]: unknown };
}

export function readSampleTask(name: string): MeraRecordJson[] {
  const dir = tempDir('mera-sample-');
  execFileSync('unzip', ['-q', MERA_SAMPLE_ZIP, name, '-d', dir]);
  return (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { data: { test: MeraRecordJson[] } }).data.test;
}

/**
 * Hidden gold for two tasks: RWSD's answers are the sample's own (so the sample scores 1), and
 * CheGeKa's are marker strings no submission contains, so any leak of gold is unmistakable.
 */
export function meraGold(): { dir: string; markers: string[] } {
  const dir = tempDir('mera-gold-');
  const rwsd = readSampleTask('RWSD.json');
  const chegeka = readSampleTask('CheGeKa.json').map((r) => ({ ...r, outputs: `goldmarker ${r.meta.id} qzxv` }));
  writeFileSync(join(dir, 'RWSD.json'), JSON.stringify({ data: { test: rwsd } }));
  writeFileSync(join(dir, 'CheGeKa.json'), JSON.stringify({ data: { test: chegeka } }));
  return { dir, markers: chegeka.map((r) => r.outputs) };
}

export function meraTaskFile(records: unknown[]): string {
  return JSON.stringify({ data: { test: records } });
}

export async function zipOf(files: Record<string, string | Buffer>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(Buffer.from(data), name);
  zip.end();
  const out = join(tempDir('zip-'), 'submission.zip');
  await pipeline(zip.outputStream, createWriteStream(out));
  return out;
}

export type TarEntry = { name: string; data?: string; type?: 'file' | 'symlink'; linkname?: string };

/** A tar.gz with exactly these entries (names as given, `../` included: how hostile archives are made). */
export async function tarGzOf(entries: readonly TarEntry[]): Promise<string> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname ?? '/etc/passwd' });
    else pack.entry({ name: e.name }, e.data ?? '');
  }
  pack.finalize();
  const out = join(tempDir('tar-'), 'upload.tar.gz');
  await pipeline(pack, createGzip(), createWriteStream(out));
  return out;
}

/** A real evalboard run of stories260K on lcs (10 documents, samples logged), as a tar.gz of its output folder. */
export async function storiesRunArchive(): Promise<{ archive: string; results: Record<string, unknown> }> {
  const out = tempDir('stories-run-');
  const r = evalboard([
    'run',
    '--model',
    'llamacpp',
    '--model_args',
    `pretrained=${STORIES}`,
    '--tasks',
    'lcs',
    '--limit',
    '10',
    '--log_samples',
    '--output_path',
    out,
  ]);
  if (r.status !== 0) throw new Error(`evalboard run failed: ${r.stderr}`);
  const [folder] = readdirSync(out);
  const files = readdirSync(join(out, folder!));
  const resultsName = files.find((f) => f.startsWith('results'))!;
  const archive = await tarGzOf(
    files.map((f) => ({ name: `${folder}/${f}`, data: readFileSync(join(out, folder!, f), 'utf8') })),
  );
  return { archive, results: JSON.parse(readFileSync(join(out, folder!, resultsName), 'utf8')) };
}

/** A one-benchmark suite the stories runs are scored on: lcs, 11 choices, 2-shot, 1,000 documents. */
export function lcsSuiteYaml(name: string, description = 'one benchmark, for the service tests'): string {
  return `suite: ${name}
description: ${description}
total: mean
setup:
  limit: null
  system_instruction: null
  gen_kwargs: null
  max_gen_toks: null
  apply_chat_template: any
benchmarks:
  - name: LCS
    task: lcs
    domain: reasoning
    metrics: [acc]
    choices: 11
    num_fewshot: 2
    docs: 1000
`;
}

export const LCS_SUITE_YAML = lcsSuiteYaml('lcs_test');
