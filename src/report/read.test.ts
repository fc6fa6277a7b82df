import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { executeRun, type RunFlags } from '../cli/run.ts';
import { UserError } from '../errors.ts';
import { lmEvalDocHash, parseResults, readResultsFile, readSamplesFile } from './read.ts';
import { REPORT_SCHEMA_VERSION } from './schema.ts';

/** A real run of the dummy backend: a log-likelihood, a rolling and a generation task, with samples. */
let resultsPath: string;
let outputDir: string;
beforeAll(async () => {
  outputDir = mkdtempSync(join(tmpdir(), 'evalboard-read-'));
  const flags: RunFlags = {
    model: 'dummy',
    tasks: 'synthetic',
    limit: '6',
    batch_size: '16',
    seed: '0,1234,1234,1234',
    bootstrap_iters: '100',
    think: 'strip',
    output_path: outputDir,
    log_samples: true,
    no_cache: true,
    quiet: true,
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    resultsPath = (await executeRun(flags, ['run', '--model', 'dummy', '--tasks', 'synthetic'])).resultsPath!;
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
});

const samplesFiles = () => readdirSync(join(resultsPath, '..')).filter((f) => f.startsWith('samples_'));
const rawResults = () => JSON.parse(readFileSync(resultsPath, 'utf8'));

/** The UserError a call throws, formatted as the CLI prints it. */
function failure(call: () => unknown): string {
  try {
    call();
  } catch (e) {
    if (e instanceof UserError) return e.format();
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('readResultsFile', () => {
  it('reads a results file written by a run, every key covered by the schema', () => {
    const read = readResultsFile(resultsPath);
    expect(read.evalboard.schema_version).toBe(REPORT_SCHEMA_VERSION);
    expect(Object.keys(read.results).length).toBeGreaterThanOrEqual(3);
    // The schema strips keys it does not know: equal means it describes the whole file.
    expect(read).toEqual(rawResults());
  });

  it('names the file and the field that is missing or wrong', () => {
    const tampered = join(outputDir, 'tampered.json');
    const write = (change: (json: ReturnType<typeof rawResults>) => void) => {
      const json = rawResults();
      change(json);
      writeFileSync(tampered, JSON.stringify(json));
    };
    write((json) => delete json.config.argv);
    expect(failure(() => readResultsFile(tampered))).toMatch(`${tampered}: config.argv: Invalid input`);
    write((json) => {
      json.evalboard.tasks[Object.keys(json.evalboard.tasks)[0]!].truncated = -1;
    });
    expect(failure(() => readResultsFile(tampered))).toMatch(/: evalboard\.tasks\.\w+\.truncated: Too small/);
    write((json) => {
      json.evalboard.schema_version = REPORT_SCHEMA_VERSION + 1;
    });
    expect(failure(() => readResultsFile(tampered))).toMatch(
      `${tampered}: evalboard.schema_version: ${REPORT_SCHEMA_VERSION + 1} is not a version this evalboard reads (1, 2)`,
    );
    write((json) => delete json.evalboard);
    expect(failure(() => readResultsFile(tampered))).toMatch('evalboard.schema_version: missing');
    writeFileSync(tampered, '{"results": ');
    expect(failure(() => readResultsFile(tampered))).toMatch(`${tampered}: not JSON`);
  });

  it("reads a version 1 file (its keys are a subset of version 2's) as the current version", () => {
    const json = rawResults();
    json.evalboard.schema_version = 1;
    expect(parseResults(json).evalboard.schema_version).toBe(REPORT_SCHEMA_VERSION);
  });

  it('parses an object without a file, naming the field alone', () => {
    const json = rawResults();
    json.timing.cache.hits = 'many';
    expect(failure(() => parseResults(json))).toMatch(/^timing\.cache\.hits: Invalid input: expected number/);
  });
});

describe('readSamplesFile', () => {
  it('reads the samples files written by a run, metric keys included', () => {
    expect(samplesFiles().length).toBeGreaterThanOrEqual(3);
    for (const name of samplesFiles()) {
      const path = join(resultsPath, '..', name);
      const rows = readSamplesFile(path);
      const raw = readFileSync(path, 'utf8').trim().split('\n');
      expect(rows).toHaveLength(raw.length);
      expect(rows).toEqual(raw.map((line) => JSON.parse(line)));
    }
  });

  it("reads version 1 rows (typed values in lm-eval's fields, extras at the top) into the current shape", () => {
    for (const name of samplesFiles()) {
      const path = join(resultsPath, '..', name);
      const current = readSamplesFile(path);
      const v1 = current.map(({ evalboard, ...row }) => ({
        ...row,
        target: evalboard.target,
        resps: evalboard.resps,
        filtered_resps: evalboard.filtered_resps,
        doc_hash: 'sha256 of compact JSON, as version 1 hashed docs',
        target_hash: 'sha256 of String(target)',
        ...(evalboard.reasoning_tokens !== undefined ? { reasoning_tokens: evalboard.reasoning_tokens } : {}),
        ...(evalboard.unterminated_reasoning !== undefined
          ? { unterminated_reasoning: evalboard.unterminated_reasoning }
          : {}),
        ...(evalboard.details ? { details: evalboard.details } : {}),
      }));
      const old = join(outputDir, `v1-${name}`);
      writeFileSync(old, v1.map((row) => `${JSON.stringify(row)}\n`).join(''));
      expect(readSamplesFile(old), name).toEqual(current);
      // The analyses' item key: the same for a version 1 row as for its version 2 row.
      expect(
        v1.map((row) => lmEvalDocHash(row)),
        name,
      ).toEqual(current.map((row) => row.doc_hash));
      expect(
        current.map((row) => lmEvalDocHash(row)),
        name,
      ).toEqual(current.map((row) => row.doc_hash));
    }
  });

  it("reads rows lm-eval wrote (no evalboard key) as they are, log-likelihoods typed back from lm-eval's strings", () => {
    for (const name of samplesFiles()) {
      const path = join(resultsPath, '..', name);
      const current = readSamplesFile(path);
      const lmEval = join(outputDir, `lm-eval-${name}`);
      writeFileSync(lmEval, current.map(({ evalboard: _, ...row }) => `${JSON.stringify(row)}\n`).join(''));
      const read = readSamplesFile(lmEval);
      read.forEach((row, i) => {
        const { evalboard, ...lmEvalFields } = row;
        const { evalboard: original, ...written } = current[i]!;
        expect(lmEvalFields, name).toEqual(written);
        if (typeof original.filtered_resps !== 'number')
          expect(evalboard.filtered_resps, name).toEqual(original.filtered_resps);
        if (Array.isArray((original.resps[0] as unknown[] | undefined)?.[0]))
          expect(evalboard.resps, name).toEqual(original.resps);
      });
    }
  });

  it('names the line and the field of a bad row', () => {
    const path = join(resultsPath, '..', samplesFiles()[0]!);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const row = JSON.parse(lines[2]!);
    const metric = row.metrics[0];
    delete row[metric];
    const tampered = join(outputDir, 'tampered.jsonl');
    writeFileSync(tampered, [lines[0], lines[1], JSON.stringify(row)].join('\n'));
    expect(failure(() => readSamplesFile(tampered))).toBe(`${tampered}:3: ${metric}: named in metrics but missing`);
    writeFileSync(tampered, `${lines[0]}\n{"doc_id": 1,\n`);
    expect(failure(() => readSamplesFile(tampered))).toMatch(`${tampered}:2: not a JSON line`);
  });
});
