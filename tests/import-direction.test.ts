import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

/**
 * The stage folders under src/ must import one another in one direction only. Every arrow between
 * top-level folders is listed here with the reason it exists; a new one fails until it is added
 * (or, better, until the code is arranged so it is not needed). errors.ts, util/ and python/ are
 * shared leaves any folder may import.
 */
const ALLOWED_ARROWS: readonly (readonly [from: string, to: string])[] = [
  // A task reads its documents: the Doc type, dataset resolution, Python str() of doc values.
  ['task', 'documents'],
  // Prompts are built from a task's templates and its few-shot options.
  ['instances', 'task'],
  // An instance carries the document it was built from.
  ['instances', 'documents'],
  // An instance holds the requests its document needs.
  ['instances', 'requests'],
  // Backends answer requests.
  ['backends', 'requests'],
  // The llamacpp backend reads the model's GGUF metadata before loading it.
  ['backends', 'gguf'],
  // The request cache wraps a backend and forwards to it.
  ['cache', 'backends'],
  // The request cache is keyed by requests.
  ['cache', 'requests'],
  // Responses are paired with the instances that asked for them.
  ['responses', 'instances'],
  // A response answers a request.
  ['responses', 'requests'],
  // How responses are collected depends on the task's output type.
  ['responses', 'task'],
  // Filter pipelines are specified by the task (FilterPipelineSpec).
  ['filters', 'task'],
  // Filters are handed the document they filter responses for.
  ['filters', 'documents'],
  // Metrics score a response against its document.
  ['metrics', 'documents'],
  // Metrics read the (filtered) responses.
  ['metrics', 'responses'],
  // The evaluator runs the stages in order: it imports each one it drives.
  ['evaluator', 'task'],
  ['evaluator', 'documents'],
  ['evaluator', 'instances'],
  ['evaluator', 'requests'],
  ['evaluator', 'backends'],
  ['evaluator', 'responses'],
  ['evaluator', 'scoring'],
  ['evaluator', 'aggregate'],
  // The scoring stage runs a task's filter pipelines and metrics on each document's responses.
  ['scoring', 'task'],
  ['scoring', 'instances'],
  ['scoring', 'responses'],
  ['scoring', 'filters'],
  ['scoring', 'metrics'],
  // A task's score is the aggregate of its documents' metric values.
  ['aggregate', 'metrics'],
  ['aggregate', 'scoring'],
  // Group scores are aggregated from their subtasks' scores.
  ['report', 'aggregate'],
  // A samples row echoes the document, its requests and their raw responses (lm-eval's layout).
  ['report', 'documents'],
  ['report', 'instances'],
  ['report', 'requests'],
  ['report', 'responses'],
  // Group definitions say what a report aggregates.
  ['report', 'task'],
  // Each command wires stages together: cli/ is the composition root and nothing imports it.
  ['cli', 'task'],
  ['cli', 'instances'],
  ['cli', 'documents'],
  ['cli', 'requests'],
  ['cli', 'backends'],
  ['cli', 'cache'],
  ['cli', 'responses'],
  ['cli', 'evaluator'],
  ['cli', 'report'],
  // compare, analyze and report render the analysis of results files.
  ['cli', 'analysis'],
  ['cli', 'suites'],
  // variants reads results and samples files through report/'s validated readers.
  ['analysis', 'report'],
  // A suite scores a finished run's report (its results, shots and document counts).
  ['suites', 'report'],
  // A suite runs the catalog's tasks, and leaves out those whose metrics this build cannot score.
  ['suites', 'task'],
  ['suites', 'scoring'],
  // Metrics that judge code (pass@k) execute it through the sandbox's CodeRunner.
  ['metrics', 'sandbox'],
  // The request cache's file also holds the scoring stage's persistent ScoreCache.
  ['cache', 'scoring'],
  // A run that executes model code opens the sandbox (after --confirm_run_unsafe_code).
  ['cli', 'sandbox'],
  // The sandbox reports a missing isolation with the shared error type.
  ['sandbox', 'errors.ts'],
  // A job worker takes its jobs from the service's queue (service/jobs/) and reports progress there.
  ['worker', 'service'],
  // `evalboard worker` opens the job queue and runs the worker with `evalboard run` as its harness.
  ['cli', 'service'],
  ['cli', 'worker'],
  // Python emulation helpers report bad input with the shared error type.
  ['python', 'errors.ts'],
  // Judges (Arena-Hard, MT-Bench, AlpacaEval) ask any backend for judgments, as requests.
  ['judges', 'backends'],
  ['judges', 'requests'],
  // Judges read answer, question and judgment files with the dataset readers (JSONL, JSON, CSV).
  ['judges', 'documents'],
  // A judge leaderboard is written as a results file and samples rows, so every reader shows it.
  ['judges', 'report'],
  // `evalboard judge` opens the judge model and runs a judge plug-in.
  ['cli', 'judges'],
  // MERA submissions are scored with the metric library's mean, Matthews correlation and pass@k.
  ['submissions', 'metrics'],
  // The leaderboard service shows suites' tasks, baselines and normalised scores.
  ['service', 'suites'],
  // The service's demo import reads the leaderboard table with the analysis library's CSV reader.
  ['service', 'analysis'],
  // Uploads are unpacked safely and MERA ZIPs scored by the submissions library.
  ['service', 'submissions'],
  // An evalboard output folder is read and validated through the report format.
  ['service', 'report'],
  // serve and admin open the service's database and app.
  ['cli', 'service'],
  // export mera reads a run's results and samples files.
  ['submissions', 'report'],
  // score-submission and export mera are commands over the submissions library.
  ['cli', 'submissions'],
];

/** Imported from anywhere; they import no stage folder themselves. */
const SHARED_LEAVES: ReadonlySet<string> = new Set(['errors.ts', 'util', 'python', 'stats']);

/** Before an import statement, this comment accepts the cycle that import closes, and says why. */
const CYCLE_MARK = '// import cycle:';

const SRC = join(ROOT, 'src');

interface ImportEdge {
  /** Paths relative to src/. */
  readonly file: string;
  readonly target: string;
  /** The specifier as written. */
  readonly specifier: string;
  readonly line: number;
  /** A `// import cycle:` comment sits right above the statement. */
  readonly markedCycle: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(test|fixture)\.ts$/.test(entry.name) ? [path] : [];
  });
}

// Static `import … from '…'` / `export … from '…'` (multi-line), side-effect `import '…'`, and `import('…')`.
const STATIC_IMPORT = /^[ \t]*(?:(?:import|export)\b[^;'"]*?\bfrom\s*|import\s*)['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(path: string): ImportEdge[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const file = relative(SRC, path);
  const edges: ImportEdge[] = [];
  for (const pattern of [STATIC_IMPORT, DYNAMIC_IMPORT]) {
    for (const match of text.matchAll(pattern)) {
      const specifier = match[1]!;
      if (!specifier.startsWith('.')) continue;
      const line = text.slice(0, match.index).split('\n').length;
      edges.push({
        file,
        target: relative(SRC, resolve(dirname(path), specifier)),
        specifier,
        line,
        markedCycle: commentAbove(lines, line - 1).includes(CYCLE_MARK),
      });
    }
  }
  return edges;
}

/** The `//` comment lines directly above line `index` (0-based), joined. */
function commentAbove(lines: readonly string[], index: number): string {
  const block: string[] = [];
  for (let i = index - 1; i >= 0 && /^\s*\/\//.test(lines[i]!); i--) block.unshift(lines[i]!.trim());
  return block.join('\n');
}

/** src/task/yaml/x.ts → task; src/errors.ts → errors.ts; outside src/ → the path as written. */
function folderOf(pathInSrc: string): string {
  return pathInSrc.split(sep)[0]!;
}

const describeEdge = (e: ImportEdge) => `src/${e.file}:${e.line} imports '${e.specifier}'`;

function isAllowed(from: string, to: string): boolean {
  if (SHARED_LEAVES.has(to) && !SHARED_LEAVES.has(from)) return true;
  return ALLOWED_ARROWS.some(([a, b]) => a === from && b === to);
}

/** Strongly connected components with more than one node (Tarjan). */
function cycles(nodes: Iterable<string>, next: (node: string) => Iterable<string>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return found;
}

function adjacency(pairs: Iterable<readonly [string, string]>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [a, b] of pairs) {
    if (!out.has(a)) out.set(a, new Set());
    if (!out.has(b)) out.set(b, new Set());
    out.get(a)!.add(b);
  }
  return out;
}

const edges = sourceFiles(SRC).flatMap(importsOf);
const crossFolder = edges.filter((e) => folderOf(e.file) !== folderOf(e.target));

describe('imports between src/ folders', () => {
  it('the scanner sees the imports (a check that finds nothing proves nothing)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(crossFolder.some((e) => e.file === join('instances', 'build.ts') && folderOf(e.target) === 'task')).toBe(
      true,
    );
  });

  it('every arrow between folders is in the allowed list', () => {
    const unlisted = crossFolder
      .filter((e) => !isAllowed(folderOf(e.file), folderOf(e.target)))
      .map((e) => `${folderOf(e.file)} → ${folderOf(e.target)}: ${describeEdge(e)}`);
    // A new arrow: remove the import, or add the arrow to ALLOWED_ARROWS with a comment saying why.
    expect(unlisted).toEqual([]);
  });

  it('every allowed arrow is still used (a stale entry would let a back-arrow return unnoticed)', () => {
    const used = new Set(crossFolder.map((e) => `${folderOf(e.file)} → ${folderOf(e.target)}`));
    expect(ALLOWED_ARROWS.map(([a, b]) => `${a} → ${b}`).filter((arrow) => !used.has(arrow))).toEqual([]);
  });

  it('the allowed arrows form no cycle', () => {
    const graph = adjacency(ALLOWED_ARROWS);
    expect(cycles(graph.keys(), (n) => graph.get(n) ?? [])).toEqual([]);
  });

  it('the folders import one another without cycles', () => {
    const graph = adjacency(crossFolder.map((e) => [folderOf(e.file), folderOf(e.target)] as const));
    const found = cycles(graph.keys(), (n) => graph.get(n) ?? []).map((folders) =>
      crossFolder
        .filter((e) => folders.includes(folderOf(e.file)) && folders.includes(folderOf(e.target)))
        .map(describeEdge),
    );
    expect(found).toEqual([]);
  });

  it('files within a folder import one another without cycles, except imports marked `// import cycle:`', () => {
    const inFolder = edges.filter((e) => folderOf(e.file) === folderOf(e.target) && !e.markedCycle);
    const graph = adjacency(inFolder.map((e) => [e.file, e.target] as const));
    const found = cycles(graph.keys(), (n) => graph.get(n) ?? []).map((files) =>
      inFolder.filter((e) => files.includes(e.file) && files.includes(e.target)).map(describeEdge),
    );
    // Break the cycle, or put `// import cycle: <why>` on the line above one of these imports.
    expect(found).toEqual([]);
  });
});
