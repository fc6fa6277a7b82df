/**
 * What the browser tests run against: a real `evalboard serve --demo` child process on a free
 * port, its embedded database prepared first with two users (a user and a maintainer) created by
 * `evalboard admin create-user`, and the archives the upload steps send.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.ts';

const DATA = join(ROOT, '../shared/datasets');

export interface BoardServer {
  readonly url: string;
  readonly tokens: { readonly user: string; readonly maintainer: string };
  stop(): Promise<void>;
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

/** The service commands the tests start (serve, admin) that this checkout's CLI does not list. */
export function missingServiceCommands(): string[] {
  const help = spawnSync(process.execPath, [join(ROOT, 'bin/evalboard.js'), '--help'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout;
  return ['serve', 'admin'].filter((command) => !new RegExp(`^\\s+${command}\\b`, 'm').test(help));
}

function cli(args: readonly string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/evalboard.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`evalboard ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The token `admin create-user` prints once: the last whitespace-free word of its output. */
function createUser(dbDir: string, name: string, role: 'user' | 'maintainer'): string {
  const out = cli(['admin', 'create-user', name, '--role', role, '--db_dir', dbDir]).trim();
  const token = out.split(/\s+/).pop();
  if (!token) throw new Error(`admin create-user ${name} printed no token`);
  return token;
}

export async function startBoardServer(): Promise<BoardServer> {
  ensureWebBuild();
  const dbDir = join(tempDir('evalboard-web-e2e-'), 'db');
  const tokens = {
    user: createUser(dbDir, 'e2e-user', 'user'),
    maintainer: createUser(dbDir, 'e2e-maintainer', 'maintainer'),
  };
  const port = await freePort();
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin/evalboard.js'), 'serve', '--demo', '--db_dir', dbDir, '--port', String(port), '--data_dir', DATA],
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
  return {
    url,
    tokens,
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

/** MERA's deliberately broken sample submission; the errors its scorer reports, by task and item id. */
export const BAD_ZIP = {
  path: join(DATA, 'mera/submission-example/sample_submission_bad.zip'),
  suite: 'mera',
  expectedErrors: [] as [task: string, id: string][],
};

/** A valid submission the board then lists. */
export const GOOD_UPLOAD = {
  path: join(DATA, 'mera/submission-example/sample_submission_v1.1.zip'),
  suite: 'mera',
  modelId: 'e2e/good-model',
};
