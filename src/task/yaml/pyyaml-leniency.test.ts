import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseYamlText } from './yaml-file.ts';

const FIXTURES = join(new URL('../../../tests/fixtures/pyyaml-shapes', import.meta.url).pathname);

/** What PyYAML 6 loads from each fixture (yaml.safe_load), recorded once. */
const PYYAML_VALUES: Record<string, unknown> = {
  'quoted-in-list-item.yaml': {
    task: 'shape_list_item',
    fewshot_config: {
      sampler: 'first_n',
      samples: [
        {
          question: 'Is the lamp on?',
          answer: 'Step 1: the switch "A" is up. Step 2: so the lamp is on. **Final Answer**: Yes.',
        },
        { question: 'Is the door open?', answer: 'No.' },
      ],
    },
  },
  'single-quoted-column-0.yaml': {
    task: 'shape_single_quoted',
    doc_to_choice: '{{[first+", right? Yes, "+second,first+", right? Also, "+second]}}',
    doc_to_text: '',
  },
  'double-quoted-column-0.yaml': {
    task: 'shape_double_quoted',
    doc_to_text:
      "Read the note and list every measurement in it, as value$name, separated by '%'. If there is none, answer '&&NONE&&'. Note: '{{text}}' Measurements:",
  },
  'json-in-quoted-scalar.yaml': {
    task: 'shape_json',
    fewshot_config: {
      samples: [
        {
          json_schema: '{ "type": "object", "properties": {"city": {"type": "string"}} }',
          json_object: '{ "city": "Lisbon" }',
        },
      ],
    },
  },
};

describe('task YAML parsed as PyYAML parses it', () => {
  for (const [name, expected] of Object.entries(PYYAML_VALUES)) {
    it(`${name}: a quoted scalar continued left of its key loads as in lm-eval`, () => {
      const text = readFileSync(join(FIXTURES, name), 'utf8');
      // The shape itself: YAML 1.2 (and the `yaml` package's strict parse) rejects it.
      expect(parseDocument(text, { version: '1.1' }).errors.length).toBeGreaterThan(0);
      expect(parseYamlText(text, name).value).toEqual(expected);
    });
  }

  it('leaves block scalars alone while re-reading a quoted scalar', () => {
    const text = 'task: t\ndescription: |\n  It\'s "open\n  text\ndoc_to_text: "a\nb"\n';
    expect(parseYamlText(text, 't.yaml').value).toEqual({
      task: 't',
      description: 'It\'s "open\ntext\n',
      doc_to_text: 'a b',
    });
  });

  it('reads YAML 1.1 sexagesimal numbers as PyYAML does: "02:00" stays text (lm-eval mmlu_it choices)', () => {
    const text = 'a: 02:00\nb: 1:30\nc: 00:00\nd: 190:20:30\ne: 1:30.5\nf: yes\n';
    expect(parseYamlText(text, 't.yaml').value).toEqual({ a: '02:00', b: 90, c: '00:00', d: 685230, e: 90.5, f: true });
  });

  it('still reports YAML that PyYAML rejects too, at the first problem', () => {
    expect(() => parseYamlText('task: t\ndoc_to_text: "never closed\n', 'bad.yaml')).toThrow(
      expect.objectContaining({
        location: { file: 'bad.yaml', line: 3, column: 1, field: 'doc_to_text' },
        message: expect.stringMatching(/^invalid YAML: Missing closing "quote/),
      }),
    );
  });

  it('reports an alias bomb as bad input in that file, not as an internal error', () => {
    let bomb = 'task: lol\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      bomb += `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    expect(() => parseYamlText(bomb, 'lol.yaml')).toThrow(
      expect.objectContaining({
        name: 'UserError',
        location: { file: 'lol.yaml' },
        message: expect.stringMatching(/^YAML aliases expand too far/),
      }),
    );
  });
});
