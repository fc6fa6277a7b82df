import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type ScalarTag,
  type Tags,
  visit,
} from 'yaml';
import { type ErrorLocation, UserError } from '../../errors.ts';
import { indentQuotedContinuations } from './pyyaml-leniency.ts';

/** A `!function module.name` reference, resolved later against `<yaml dir>/<module>.ts`. */
export class FunctionRef {
  constructor(
    /** As written: "utils.process_docs". */
    readonly ref: string,
    /** The YAML file that wrote it; the module is looked up next to it. */
    readonly file: string,
  ) {}

  toString(): string {
    return `!function ${this.ref}`;
  }

  /**
   * How a config records the hook (results file, task hash): its name and the sha256 of the module
   * that runs it (the TypeScript port, else utils.py), so an edited hook changes the task hash.
   */
  toJSON(): { function: string; module: string | null; sha256: string | null } {
    const base = join(dirname(this.file), this.ref.split('.').slice(0, -1).join('.'));
    const module = ['.ts', '.js', '.mjs', '.py'].map((ext) => base + ext).find((p) => existsSync(p));
    return {
      function: this.ref,
      module: module ? basename(module) : null,
      sha256: module ? createHash('sha256').update(readFileSync(module)).digest('hex') : null,
    };
  }
}

/** One parsed YAML file: its plain value plus a way back from a key path to line and column. */
export interface YamlFile {
  readonly path: string;
  readonly value: Record<string, unknown>;
  locate(path: readonly (string | number)[]): ErrorLocation;
  /**
   * A key given twice with different values. PyYAML silently keeps the last; we refuse, but only
   * when a task or group built from this file is asked for, so one such file blocks nothing else.
   */
  readonly ambiguity?: UserError;
}

const cache = new Map<string, Promise<YamlFile>>();

/** Each index load re-reads files, so edits between loads in one process are seen. */
export function clearYamlCache(): void {
  cache.clear();
}

/**
 * lm-eval reads task YAML with PyYAML (YAML 1.1: `yes`/`no`/`on`/`off` are booleans) plus a
 * `!function` tag; we parse the same way and keep node ranges for error messages.
 */
export function readYamlFile(path: string): Promise<YamlFile> {
  let pending = cache.get(path);
  if (!pending) {
    pending = parseYamlFile(path);
    cache.set(path, pending);
    pending.catch(() => cache.delete(path));
  }
  return pending;
}

async function parseYamlFile(path: string): Promise<YamlFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read task file: ${(e as Error).message}`, { file: path });
  }
  return parseYamlText(text, path);
}

export function parseYamlText(text: string, path: string): YamlFile {
  const functionTag: ScalarTag = {
    tag: '!function',
    identify: (v) => v instanceof FunctionRef,
    resolve: (ref: string) => new FunctionRef(ref.trim(), path),
  };
  const parse = (source: string, lineCounter: LineCounter) =>
    parseDocument(source, {
      version: '1.1',
      customTags: (tags) => [...tags.map(asPyYamlTag), functionTag],
      lineCounter,
      uniqueKeys: false, // PyYAML lets a later duplicate key win; conflictingDuplicate() reports it
      prettyErrors: false,
    });
  let lineCounter = new LineCounter();
  let doc = parse(text, lineCounter);
  if (doc.errors.length > 0) {
    // Parse again as PyYAML reads quoted scalars; keep the first errors if that does not help.
    const lenientLines = new LineCounter();
    const lenient = parse(indentQuotedContinuations(text), lenientLines);
    if (lenient.errors.length === 0) [doc, lineCounter] = [lenient, lenientLines];
  }
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problem = doc.errors[0];
  if (problem) {
    const at = position(problem.pos[0]);
    throw new UserError(`invalid YAML: ${problem.message.split('\n')[0]}`, {
      file: path,
      ...at,
      field: keyAt(doc.contents, problem.pos[0]),
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (e) {
    // The `yaml` package's guard against alias bombs ("billion laughs"); PyYAML would expand it.
    throw new UserError(
      `YAML aliases expand too far: ${(e as Error).message}`,
      { file: path },
      'a task file should not need more than a few aliases',
    );
  }
  if (value === null || value === undefined) return { path, value: {}, locate: () => ({ file: path }) };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError('a task file must be a mapping of keys to values', { file: path, line: 1, column: 1 });
  }
  const locate = (keyPath: readonly (string | number)[]): ErrorLocation => {
    let node: unknown = doc.contents;
    let found: { line: number; column: number } | undefined;
    for (const segment of keyPath) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const range = (pair.key as Node).range;
        if (range) found = position(range[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        const range = (node as Node | undefined)?.range;
        if (range) found = position(range[0]);
      } else break;
    }
    return { file: path, ...found, field: keyPath.join('.') || undefined };
  };
  const ambiguity = conflictingDuplicate(doc, path, position);
  return { path, value: value as Record<string, unknown>, locate, ...(ambiguity && { ambiguity }) };
}

/**
 * PyYAML reads `02:00` and `00:00` as strings: its sexagesimal integers start with 1-9, the
 * `yaml` package's with any digit (it would make 120 and 0 of those).
 */
function asPyYamlTag(tag: Tags[number]): Tags[number] {
  if (typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:int' || tag.format !== 'TIME') return tag;
  return { ...tag, test: /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/ } as ScalarTag;
}

/**
 * The first key repeated in one mapping with a different value. Upstream lm-eval files repeat
 * keys with the same value (tinyMMLU's num_fewshot: 0), which is harmless and accepted.
 */
function conflictingDuplicate(
  doc: Document,
  path: string,
  position: (offset: number) => { line: number; column: number },
): UserError | undefined {
  let found: UserError | undefined;
  const plain = (node: unknown) => JSON.stringify(isNode(node) ? node.toJS(doc) : node);
  visit(doc, {
    Map(_, map) {
      const first = new Map<string, { line: number; value: unknown }>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const key = String(pair.key.value);
        const at = position(pair.key.range[0]);
        const earlier = first.get(key);
        if (!earlier) first.set(key, { line: at.line, value: pair.value });
        else if (plain(earlier.value) !== plain(pair.value)) {
          found = new UserError(
            `given twice with different values (lines ${earlier.line} and ${at.line})`,
            { file: path, ...at, field: key },
            'PyYAML would silently use the last one; keep only one',
          );
          return visit.BREAK;
        }
      }
      return undefined;
    },
  });
  return found;
}

/** The top-level key whose entry contains a byte offset, to name the field of a syntax error. */
function keyAt(contents: unknown, offset: number): string | undefined {
  if (!isMap(contents)) return undefined;
  for (const pair of contents.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const start = pair.key.range?.[0] ?? 0;
    const end = (pair.value as Node | null)?.range?.[2] ?? start;
    if (offset >= start && offset <= end) return String(pair.key.value);
  }
  return undefined;
}

/** A task config after `include:` merging, remembering which file each top-level key came from. */
export interface ResolvedConfig {
  readonly config: Record<string, unknown>;
  readonly origin: Record<string, YamlFile>;
  readonly file: YamlFile;
}

/**
 * lm-eval's include rule: included files are loaded recursively and merged shallowly (top-level
 * keys only), the first listed include winning over later ones, and the including file over all.
 * Paths are relative to the including file.
 */
export async function resolveIncludes(file: YamlFile, seen: readonly string[] = []): Promise<ResolvedConfig> {
  if (seen.includes(file.path)) {
    const chain = [...seen, file.path].map((p) => relative(dirname(seen[0]!), p));
    throw new UserError(`include cycle: ${chain.join(' → ')}`, file.locate(['include']));
  }
  if (file.ambiguity) throw file.ambiguity;
  const own = file.value;
  const config: Record<string, unknown> = {};
  const origin: Record<string, YamlFile> = {};
  const include = own.include;
  if (include !== undefined && include !== null) {
    const list = typeof include === 'string' ? [include] : Array.isArray(include) ? include : undefined;
    if (!list?.every((p) => typeof p === 'string')) {
      throw new UserError('include must be a file name or a list of them', file.locate(['include']));
    }
    for (const includePath of [...list].reverse()) {
      const target = isAbsolute(includePath) ? includePath : join(dirname(file.path), includePath);
      let included: YamlFile;
      try {
        included = await readYamlFile(target);
      } catch (e) {
        if (e instanceof UserError && e.message.startsWith('cannot read')) {
          throw new UserError(`included file not found: ${includePath}`, file.locate(['include']));
        }
        throw e;
      }
      const resolved = await resolveIncludes(included, [...seen, file.path]);
      Object.assign(config, resolved.config);
      Object.assign(origin, resolved.origin);
    }
  }
  for (const [key, value] of Object.entries(own)) {
    if (key === 'include') continue;
    config[key] = value;
    origin[key] = file;
  }
  return { config, origin, file };
}

/** Where a key path of a merged config was written. */
export function locateInConfig(resolved: ResolvedConfig, path: readonly (string | number)[]): ErrorLocation {
  const top = path[0];
  const owner = (top !== undefined && resolved.origin[String(top)]) || resolved.file;
  return owner.locate(path);
}
