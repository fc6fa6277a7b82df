/**
 * What the browser tests run against: a real `evalboard serve --demo` child process on a free
 * port, its embedded database prepared first through the CLI (a user and a maintainer from
 * `admin create-user`, MERA gold for RWSD and PARus from `admin load-gold`), a one-task suite for a real
 * stories260K run, and the archives the upload steps send. Everything taken from ../shared is
 * written to temp folders at run time only.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createUser } from '../src/service/auth.ts';
import { openDatabase } from '../src/service/db/open.ts';
import { loadMeraGold } from '../src/service/ingest/mera.ts';
import { ROOT, STORIES, tempDir } from './helpers.ts';
import { lcsSuiteYaml } from './service-fixtures.ts';

const DATA = join(ROOT, '../shared/datasets');
const MERA_SAMPLE_ZIP = join(DATA, 'mera/submission-example/sample_submission_v1.1.zip');

export interface Upload {
  readonly path: string;
  readonly suite: string;
  readonly modelId: string;
}

export interface BoardServer {
  readonly url: string;
  readonly tokens: { readonly user: string; readonly maintainer: string };
  /** A MERA ZIP with a duplicated RWSD item and an unknown PARus one: the errors its validation must list. */
  readonly badUpload: Upload & { readonly expectedErrors: readonly [task: string, id: string][] };
  /** A real evalboard run (stories260K on lcs, --limit 10, samples logged) as a tar.gz of its output folder. */
  readonly goodUpload: Upload;
  stop(): Promise<void>;
}

/** The suite the stories run is scored on: lcs alone (11 choices, 2-shot, 1,000 documents). */
const LCS_SUITE = 'lcs_web';
const LCS_SUITE_YAML = lcsSuiteYaml(LCS_SUITE, 'one benchmark, for the browser tests');

interface MeraRecord {
  outputs: unknown;
  meta: { id: number | string };
}

function sampleRecords(task: string): MeraRecord[] {
  const json = spawnSync('unzip', ['-p', MERA_SAMPLE_ZIP, `${task}.json`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (json.status !== 0) throw new Error(`unzip ${task}.json from ${MERA_SAMPLE_ZIP}: ${json.stderr}`);
  return (JSON.parse(json.stdout) as { data: { test: MeraRecord[] } }).data.test;
}

/** A folder holding exactly these files, zipped with Info-ZIP (-j: no folder inside the archive). */
function zipFiles(files: Record<string, string>): string {
  const dir = tempDir('web-e2e-zip-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const out = join(dir, 'submission.zip');
  const r = spawnSync('zip', ['-q', '-j', out, ...Object.keys(files).map((f) => join(dir, f))], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`zip failed: ${r.stderr}`);
  return out;
}

/** Hidden gold for RWSD and PARus: the v1.1 sample's own answers, in a temp folder for `admin load-gold`. */
function meraGoldDir(tasks: Record<string, readonly MeraRecord[]>): string {
  const dir = tempDir('web-e2e-gold-');
  for (const [task, records] of Object.entries(tasks))
    writeFileSync(join(dir, `${task}.json`), JSON.stringify({ data: { test: records } }));
  return dir;
}

/** RWSD with its first item twice, PARus with an item the gold does not have: one error in each task. */
function badMeraZip(rwsd: readonly MeraRecord[], parus: readonly MeraRecord[]): BoardServer['badUpload'] {
  const unknownId = 987654;
  const duplicate = rwsd[0]!;
  return {
    path: zipFiles({
      'RWSD.json': JSON.stringify({ data: { test: [...rwsd, duplicate] } }),
      'PARus.json': JSON.stringify({ data: { test: [...parus, { outputs: '1', meta: { id: unknownId } }] } }),
    }),
    suite: 'mera',
    modelId: 'e2e/broken-model',
    expectedErrors: [
      ['RWSD', String(duplicate.meta.id)],
      ['PARus', String(unknownId)],
    ],
  };
}

async function storiesRunArchive(): Promise<Upload> {
  const out = tempDir('web-e2e-run-');
  await run(
    process.execPath,
    [
      join(ROOT, 'bin/evalboard.js'),
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
    ],
    { EVALBOARD_CACHE: tempDir('web-e2e-cache-') },
  );
  const [folder] = readdirSync(out);
  const archive = join(tempDir('web-e2e-tar-'), 'run.tar.gz');
  const tar = spawnSync('tar', ['-czf', archive, '-C', out, folder!], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  return { path: archive, suite: LCS_SUITE, modelId: 'e2e/stories260K' };
}

/** A child process to completion; its output goes into the error when it fails. */
function run(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 300_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${args.slice(0, 3).join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`))
          : resolve(),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** web/dist as `evalboard serve` serves it; built here when a checkout has not built it yet. */
export function ensureWebBuild(): void {
  if (existsSync(join(ROOT, 'web/dist/index.html'))) return;
  const r = spawnSync('npm', ['run', 'build:web'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`npm run build:web failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * The database before the server opens it: two users and MERA gold, written through the service's
 * library in this process (one PGlite open instead of a CLI process per user).
 */
async function prepareDatabase(dbDir: string, gold: string): Promise<BoardServer['tokens']> {
  const database = await openDatabase({ dbDir });
  try {
    const user = await createUser(database.db, 'e2e-user', 'user');
    const maintainer = await createUser(database.db, 'e2e-maintainer', 'maintainer');
    await loadMeraGold(database.db, gold);
    return { user: user.token, maintainer: maintainer.token };
  } finally {
    await database.close();
  }
}

export async function startBoardServer(): Promise<BoardServer> {
  ensureWebBuild();
  const work = tempDir('evalboard-web-e2e-');
  const dbDir = join(work, 'db');
  const rwsd = sampleRecords('RWSD');
  const parus = sampleRecords('PARus');
  const tokens = await prepareDatabase(dbDir, meraGoldDir({ RWSD: rwsd, PARus: parus }));
  const suiteFile = join(work, `${LCS_SUITE}.yaml`);
  writeFileSync(suiteFile, LCS_SUITE_YAML);
  const badUpload = badMeraZip(rwsd, parus);
  // The model run overlaps the server's start (the demo import takes most of a minute).
  const running = storiesRunArchive();
  running.catch(() => {});
  const port = await freePort();
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/evalboard.js'),
      'serve',
      '--demo',
      '--db_dir',
      dbDir,
      '--port',
      String(port),
      '--data_dir',
      DATA,
      '--suites',
      `openllm_v2,${suiteFile}`,
    ],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`evalboard serve exited with ${child.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`evalboard serve did not answer /healthz within 180 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const goodUpload = await running;
  return {
    url,
    tokens,
    badUpload,
    goodUpload,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes) into one object per row. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (c !== '\r') cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}
