import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { userErrorOf } from '../../../tests/helpers.ts';
import type { TaskDefinition } from '../types.ts';
import { loadTaskYamls } from './task-index.ts';
import type { YamlGroupDefinition, YamlTaskDefinition } from './types.ts';

/** A throwaway task folder with a small local dataset under <dir>/data. */
function taskFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'evalboard-tasks-'));
  mkdirSync(join(dir, 'data', 'local', 'qa'), { recursive: true });
  writeFileSync(
    join(dir, 'data', 'local', 'qa', 'test.jsonl'),
    '{"q":"2+2?","choices":["3","4"],"gold":1,"answers":["4","four"]}\n{"q":"1+1?","choices":["2","5"],"gold":0,"answers":["2"]}\n',
  );
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const base = 'dataset_path: local/qa\ntest_split: test\n';

async function load(files: Record<string, string>) {
  const dir = taskFolder(files);
  return loadTaskYamls([dir], { dataDir: join(dir, 'data') });
}

describe('loadTaskYamls', () => {
  it('merges includes shallowly, the including file winning, and resolves doc_to_* once', async () => {
    const index = await load({
      _base_yaml: `${base}output_type: multiple_choice\ndoc_to_text: "Q: {{q}}"\ndoc_to_choice: choices\ndoc_to_target: "{{gold}}"\ndescription: base\n`,
      'mc.yaml': 'include: _base_yaml\ntask: mc\ndescription: "About {{q}}\\n"\nmetadata:\n  version: 2.0\n',
    });
    const task = index.get('mc') as YamlTaskDefinition;
    const { eval: docs } = await task.loadDocs();
    const doc = docs[0]!;
    expect(task.docToText(doc)).toBe('Q: 2+2?');
    expect(task.docToChoice?.(doc)).toEqual(['3', '4']);
    expect(task.docToTarget(doc)).toBe(1); // a digit string with doc_to_choice becomes an index
    expect(task.description(doc)).toBe('About 2+2?\n');
    expect(task.version).toBe(2);
    expect(task.metrics).toEqual([{ metric: 'acc' }, { metric: 'acc_norm' }]);
    expect(task.config).toMatchObject({ task: 'mc', target_delimiter: ' ', fewshot_delimiter: '\n\n', repeats: 1 });
  });

  it('applies lm-eval defaults for generate_until and keeps metric kwargs and filter args', async () => {
    const index = await load({
      'gen.yaml': `${base}task: gen\ndoc_to_text: q\ndoc_to_target: "{{answers}}"\nmetric_list:\n  - metric: exact_match\n    ignore_case: true\nfilter_list:\n  - name: strict\n    filter:\n      - function: regex\n        regex_pattern: "(\\\\d+)"\n      - function: take_first\n`,
    });
    const task = index.get('gen') as TaskDefinition;
    const doc = (await task.loadDocs()).eval[0]!;
    expect(task.docToText(doc)).toBe('2+2?'); // a field name
    expect(task.docToTarget(doc)).toEqual(['4', 'four']); // "[...]" output is literal_eval'd
    expect(task.generation).toEqual({ until: ['\n\n'], maxGenToks: 256, temperature: 0, doSample: false });
    // toMatchObject: each spec also carries its YAML location, for errors.
    expect(task.metrics).toMatchObject([{ metric: 'exact_match', kwargs: { ignore_case: true } }]);
    expect(task.metrics[0]!.location).toMatchObject({ field: 'metric_list.0' });
    expect(task.filters).toMatchObject([
      { name: 'strict', steps: [{ function: 'regex', args: { regex_pattern: '(\\d+)' } }, { function: 'take_first' }] },
    ]);
  });

  it('warns once per unknown key, with its location', async () => {
    const index = await load({ 't.yaml': `${base}task: t\ndoc_to_text: q\nbogus: 1\ndoc_to_image: x\n` });
    expect(index.warnings.map((w) => [w.location.line, w.location.field, w.message])).toEqual([
      [5, 'bogus', 'unknown key "bogus" is ignored'],
      [6, 'doc_to_image', 'doc_to_image is ignored: multimodal tasks are not supported'],
    ]);
  });

  it('warns once about bad YAML, with file, line, column and key, and fails only the task it defines', async () => {
    const index = await load({
      'bad.yaml': 'task: bad\ndoc_to_text: "x" y\nfoo: 1\n',
      'good.yaml': `${base}task: good\ndoc_to_text: q\n`,
    });
    const dir = dirname(index.list().find((e) => e.name === 'good')!.file!);
    const where = { file: join(dir, 'bad.yaml'), line: 2, column: 18, field: 'doc_to_text' };
    expect(index.warnings).toEqual([expect.objectContaining({ brokenFile: true, location: where })]);
    expect((index.get('good') as TaskDefinition).name).toBe('good');
    expect(userErrorOf(() => index.get('bad')).location).toEqual(where);
  });

  it('loads the rest of a folder holding an alias bomb; asking for its task names the file', async () => {
    let bomb = 'task: lol\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      bomb += `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    const index = await load({ 'lol.yaml': bomb, 'good.yaml': `${base}task: good\ndoc_to_text: q\n` });
    expect(index.warnings).toHaveLength(1);
    expect(index.warnings[0]!.location.file).toMatch(/lol\.yaml$/);
    expect((index.get('good') as TaskDefinition).name).toBe('good');
    expect(userErrorOf(() => index.get('lol')).format()).toMatch(/lol\.yaml: YAML aliases expand too far/);
  });

  it('fails a task whose include is broken, naming the included file', async () => {
    const index = await load({
      _broken_yaml: 'doc_to_text: [unclosed\n',
      'uses.yaml': `${base}include: _broken_yaml\ntask: uses\n`,
      'other.yaml': `${base}task: other\ndoc_to_text: q\n`,
    });
    expect(userErrorOf(() => index.get('uses')).location.file).toMatch(/_broken_yaml$/);
    expect((index.get('other') as TaskDefinition).name).toBe('other');
  });

  it('reports wrong values at their key, in the file that wrote them', async () => {
    const index = await load({
      _t_yaml: 'output_type: choose_one\n',
      't.yaml': `${base}include: _t_yaml\ntask: t\n`,
    });
    const error = userErrorOf(() => index.get('t'));
    expect(error.location).toMatchObject({ line: 1, column: 1, field: 'output_type' });
    expect(error.location.file).toMatch(/_t_yaml$/);
  });

  it('names task, doc and field when a template uses a missing field', async () => {
    const index = await load({ 't.yaml': `${base}task: t\ndoc_to_text: "{{q}} {{context}}"\n` });
    const task = index.get('t') as TaskDefinition;
    const doc = (await task.loadDocs()).eval[1]!;
    const error = userErrorOf(() => task.docToText(doc));
    expect(error.message).toBe('task t, doc 1 (test split): doc_to_text uses context, which the doc does not have');
    expect(error.location).toMatchObject({ line: 4, field: 'doc_to_text' });
  });

  it('imports !function from a TypeScript module next to the YAML', async () => {
    const index = await load({
      'utils.ts':
        "export const process_docs = (docs) => docs.map((d) => ({ ...d, q: d.q.toUpperCase() }));\nexport const text = (doc) => '<' + doc.q + '>';\n",
      't.yaml': `${base}task: t\nprocess_docs: !function utils.process_docs\ndoc_to_text: !function utils.text\n`,
      'u.yaml': `${base}task: u\ndoc_to_text: !function nowhere.text\n`,
    });
    const task = index.get('t') as TaskDefinition;
    expect(task.docToText((await task.loadDocs()).eval[0]!)).toBe('<2+2?>');
    expect(userErrorOf(() => index.get('u')).message).toMatch(/no nowhere\.py or nowhere\.ts next to the YAML/);
  });

  it('runs process_results from utils.ts and checks what it returns', async () => {
    const metricList = 'metric_list:\n  - metric: acc\n';
    const index = await load({
      'utils.ts':
        "export const score = (doc, results) => ({ acc: results[0] === String(doc.gold) ? 1 : 0 });\nexport const bad = () => ({ acc: 'yes' });\n",
      'p.yaml': `${base}task: p\ndoc_to_text: q\nprocess_results: !function utils.score\n${metricList}`,
      'b.yaml': `${base}task: b\ndoc_to_text: q\nprocess_results: !function utils.bad\n${metricList}`,
      's.yaml': `${base}task: s\ndoc_to_text: q\nprocess_results: utils.score\n${metricList}`,
    });
    expect(index.warnings).toEqual([]);
    const task = index.get('p') as TaskDefinition;
    const doc = (await task.loadDocs()).eval[0]!;
    expect(task.processResults?.(doc, ['1'])).toEqual({ acc: 1 });
    const bad = index.get('b') as TaskDefinition;
    const badDoc = (await bad.loadDocs()).eval[0]!;
    expect(userErrorOf(() => bad.processResults?.(badDoc, ['1'])).message).toBe(
      'task b, doc 0 (test split): process_results "acc" is yes; expected {metric: number or [number, number]}',
    );
    expect(userErrorOf(() => index.get('s')).message).toBe('process_results must be a !function reference');
  });

  it('indexes groups: tags expand, inline tasks register, aggregate metrics keep their filter', async () => {
    const index = await load({
      'a.yaml': `${base}task: a\ntag: letters\ndoc_to_text: q\n`,
      'b.yaml': `${base}task: b\ntag: [letters]\ndoc_to_text: q\n`,
      'g.yaml':
        'group: g\ngroup_alias: G\ntask:\n  - letters\n  - task: inline\n    dataset_path: local/qa\n    test_split: test\n    doc_to_text: q\naggregate_metric_list:\n  - metric: exact_match\n    weight_by_size: true\n    filter_list: strict\n',
    });
    const group = index.get('g') as YamlGroupDefinition;
    expect(group.tasks).toEqual(['a', 'b', 'inline']);
    expect(group.aggregateMetrics).toEqual([{ metric: 'exact_match', weightBySize: true, filterList: ['strict'] }]);
    expect(group.alias).toBe('G');
    expect((index.get('letters') as YamlGroupDefinition).isTag).toBe(true);
    expect((index.get('inline') as TaskDefinition).outputType).toBe('generate_until');
    expect(index.list().map((e) => `${e.name}:${e.kind}`)).toEqual([
      'a:task',
      'b:task',
      'g:group',
      'inline:task',
      'letters:tag',
    ]);
  });
});
