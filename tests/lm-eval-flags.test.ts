/**
 * The `run` flags an lm-eval user types, run through the real CLI: each test's command is one
 * that failed before these flags existed (unknown option, or a --tasks path answered with a
 * bare "did you mean … → ?").
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseGenKwargs } from '../src/cli/options.ts';
import { writeLlamaGguf } from '../src/gguf/write.ts';
import { type CliResult, evalboard, listFiles, MODEL_DIR, ROOT, readResults, tempDir } from './helpers.ts';

describe('--gen_kwargs values typed as lm-eval types them', () => {
  it('parses key=value pairs as simple_parse_args_string and JSON as JSON', () => {
    expect(parseGenKwargs('temperature=0,do_sample=false')).toEqual({ temperature: 0, do_sample: false });
    expect(parseGenKwargs('temperature=0.7,top_p=1e-1,do_sample=True,until=a=b,max_gen_toks=1_0')).toEqual({
      temperature: 0.7,
      top_p: 0.1,
      do_sample: true,
      until: 'a=b',
      max_gen_toks: 10, // Python's float() reads "1_0"
    });
    expect(parseGenKwargs('until=0x10,stop=')).toEqual({ until: '0x10', stop: '' });
    expect(parseGenKwargs('{"until": ["\\n\\n", "Q:"], "temperature": 0}')).toEqual({
      until: ['\n\n', 'Q:'],
      temperature: 0,
    });
  });
});

describe('lm-eval run flags through the CLI (dummy backend)', () => {
  let out: string;
  let run: CliResult;
  beforeAll(() => {
    out = tempDir();
    run = evalboard([
      'run',
      '--model',
      'dummy',
      '--tasks',
      'simplear,bps',
      '--samples',
      '{"simplear":[4,2],"bps":[7]}',
      '--gen_kwargs',
      'temperature=0,do_sample=false,max_gen_toks=5,until=X',
      '--confirm_run_unsafe_code',
      '--write_out',
      '--show_config',
      '--output_path',
      out,
      '--log_samples',
      '--quiet',
    ]);
  });

  it('accepts them all together', () => {
    expect(run.status, run.stderr).toBe(0);
  });

  it('--gen_kwargs overrides each generate_until task’s generation settings and is recorded', () => {
    const results = readResults(out) as Record<string, Record<string, Record<string, unknown>>>;
    expect(results.config!.gen_kwargs).toBe('temperature=0,do_sample=false,max_gen_toks=5,until=X');
    expect(results.configs!.simplear!.generation_kwargs).toEqual({
      until: 'X',
      max_gen_toks: 5,
      do_sample: false,
      temperature: 0,
    });
    expect(results.configs!.bps!.generation_kwargs).toBeUndefined(); // multiple_choice: untouched
    expect(run.stderr).toContain('Request: generate_until ["X"], max_gen_toks 5, temperature 0');
  });

  it('--samples evaluates only the listed documents, keeping their ids', () => {
    const results = readResults(out) as Record<string, Record<string, unknown>>;
    expect(results['n-samples']).toEqual({
      simplear: { original: 1000, effective: 2 },
      bps: { original: 1000, effective: 1 },
    });
    const file = listFiles(out).find((f) => f.includes('samples_simplear_'))!;
    const ids = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { doc_id: number }).doc_id);
    expect(ids).toEqual([2, 4]);
  });

  it('--write_out prints each task’s first prompt and target', () => {
    expect(run.stderr).toMatch(/^Task: simplear; document 2; context prompt \(starting on next line\):\n/m);
    expect(run.stderr).toMatch(/^Task: bps; document 7; context prompt/m);
    expect(run.stderr).toContain('(end of prompt on previous line)\ntarget string or answer choice index');
  });

  it('--show_config prints each task’s resolved config after the results table', () => {
    const tableEnd = run.stdout.lastIndexOf('|\n');
    const configs = JSON.parse(run.stdout.slice(tableEnd + 2)) as Record<string, Record<string, unknown>>;
    expect(Object.keys(configs).sort()).toEqual(['bps', 'simplear']);
    expect(configs.simplear!.output_type).toBe('generate_until');
  });

  it('--version prints the package version', () => {
    const r = evalboard(['--version']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });
});

describe('--tasks with task files and folders', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    mkdirSync(join(dir, 'data', 'local', 'qa'), { recursive: true });
    writeFileSync(
      join(dir, 'data', 'local', 'qa', 'test.jsonl'),
      '{"q":"2+2?","choices":["3","4"],"gold":1}\n{"q":"1+1?","choices":["2","5"],"gold":0}\n',
    );
    const task = (name: string) =>
      `task: ${name}\ndataset_path: local/qa\ntest_split: test\noutput_type: multiple_choice\ndoc_to_text: "{{q}}"\ndoc_to_choice: choices\ndoc_to_target: gold\n`;
    mkdirSync(join(dir, 'mine', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'mine', 'one.yaml'), task('my_one'));
    writeFileSync(join(dir, 'mine', 'two.yaml'), task('my_two'));
    writeFileSync(join(dir, 'mine', 'nested', 'three.yaml'), task('my_three'));
  });

  const runTasks = (tasks: string) =>
    evalboard(['run', '--model', 'dummy', '--tasks', tasks, '--data_dir', join(dir, 'data'), '--quiet']);

  it('a .yaml file runs the task it defines', () => {
    const r = runTasks(join(dir, 'mine', 'one.yaml'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\|my_one *\|/m);
    expect(r.stdout).not.toMatch(/my_two/);
  });

  it('a folder runs the tasks of its own .yaml files, as lm-eval does', () => {
    const r = runTasks(join(dir, 'mine'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\|my_one *\|/m);
    expect(r.stdout).toMatch(/^\|my_two *\|/m);
    expect(r.stdout).not.toMatch(/my_three/);
  });
});

describe('a broken file in an --include_path folder', () => {
  it('is one warning naming it; the folder’s other tasks still run', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'data', 'local', 'qa'), { recursive: true });
    writeFileSync(join(dir, 'data', 'local', 'qa', 'test.jsonl'), '{"q":"2+2?","a":"4"}\n');
    writeFileSync(
      join(dir, 'good.yaml'),
      'task: good_task\ndataset_path: local/qa\ntest_split: test\ndoc_to_text: "{{q}}"\ndoc_to_target: "{{a}}"\n',
    );
    let bomb = 'task: lol\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      bomb += `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    writeFileSync(join(dir, 'lol.yaml'), bomb);
    writeFileSync(join(dir, 'typo.yaml'), 'task: typo\ndoc_to_text: "{{q}}" x\n');
    const args = `run --model dummy --include_path ${dir} --tasks good_task --data_dir ${join(dir, 'data')} --quiet`;
    const r = evalboard(args.split(' ')); // temp paths hold no spaces
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\|good_task *\|/m);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toEqual([
      expect.stringMatching(/^warning: [^ ]*\/lol\.yaml: YAML aliases expand too far/),
      expect.stringMatching(/^warning: [^ ]*\/typo\.yaml:2:22: doc_to_text: invalid YAML/),
    ]);
    const listed = evalboard(['tasks', '--include_path', dir]);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^ {2}good_task$/m);
    expect(listed.stderr.trim().split('\n')).toHaveLength(2);
  });
});

describe('--fewshot_as_multiturn with a chat model (llamacpp)', () => {
  it('is accepted with --apply_chat_template and recorded in the config', async () => {
    const dir = tempDir();
    const model = join(dir, 'chat.gguf');
    // A tiny random model with a real chat template (SmolLM's tokenizer): the flag needs one.
    await writeLlamaGguf(model, {
      nLayer: 1,
      nEmbd: 32,
      nHead: 2,
      nHeadKv: 1,
      nFf: 64,
      nCtx: 512,
      seed: 7,
      tokenizer: { from: 'hf', dir: join(MODEL_DIR, 'bpe-49152') },
    });
    // bps is 2-shot: as turns, two assistant answers before the turn the model writes.
    const turns = (args: string[]) => {
      const o = join(dir, args.join('-') || 'default');
      const run = evalboard([
        'run',
        '--model',
        'llamacpp',
        '--model_args',
        `pretrained=${model}`,
        '--tasks',
        'bps',
        '--limit',
        '1',
        '--apply_chat_template',
        ...args,
        '--output_path',
        o,
        '--log_samples',
        '--quiet',
        '--no_cache',
      ]);
      expect(run.status, run.stderr).toBe(0);
      const file = listFiles(o).find((f) => f.includes('samples_bps'))!;
      const row = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!);
      const prompt = (row.arguments as Record<string, { arg_0: string }>).gen_args_0!.arg_0;
      return { turns: prompt.split('<|im_start|>assistant').length - 1, config: readResults(o).config };
    };
    // lm-eval main's default with a chat template: turns; "false" puts the shots in one user turn.
    expect(turns(['--fewshot_as_multiturn'])).toMatchObject({
      turns: 3,
      config: { apply_chat_template: true, fewshot_as_multiturn: true },
    });
    expect(turns([])).toMatchObject({ turns: 3, config: { fewshot_as_multiturn: true } });
    expect(turns(['--fewshot_as_multiturn', 'false'])).toMatchObject({
      turns: 1,
      config: { fewshot_as_multiturn: false },
    });
  }, 300_000);
});
