/**
 * The coverage benchmark's stand-in rows: the columns lm-eval-style templates and hooks read, in
 * the shapes they use, so that real templates render over them.
 */
import { describe, expect, it } from 'vitest';
import {
  columnsFromConfig,
  columnsFromPython,
  columnsFromTemplate,
  standInRows,
} from '../bench/lib/stand-in-dataset.ts';
import { compileTemplate } from '../src/task/yaml/jinja.ts';

describe('stand-in dataset columns', () => {
  it('reads fields, nested fields, lists and indices from templates, not loop variables or methods', () => {
    const columns = columnsFromTemplate(
      'Question: {{question.strip()}}\n{% for c in choices.text %}{{c}} {% endfor %}{{ endings[label] }}{{meta["src"]}}',
    );
    expect([...columns.keys()].sort()).toEqual(['choices', 'endings', 'label', 'meta', 'question']);
    expect(columns.get('question')).toBe('text');
    expect(columns.get('endings')).toBe('list');
    expect(columns.get('label')).toBe('int');
    expect(columns.get('choices')).toEqual({ fields: new Map([['text', 'list']]) });
    expect(columns.get('meta')).toEqual({ fields: new Map() });
  });

  it('treats bare names as columns: a choice task’s target an index, doc_to_choice a list', () => {
    const columns = columnsFromConfig({
      doc_to_text: 'sentence',
      doc_to_target: 'answer',
      doc_to_choice: 'options',
      description: 'plain words',
    });
    expect(Object.fromEntries(columns)).toEqual({ sentence: 'text', answer: 'int', options: 'list' });
  });

  it('finds doc["x"] and doc.get("x") in hook sources', () => {
    const columns = columnsFromPython('def f(doc):\n    return doc["ctx_a"] + doc.get(\'ctx_b\', "")\n');
    expect([...columns.keys()]).toEqual(['ctx_a', 'ctx_b']);
  });

  it('gives rows an ARC-style template renders over', () => {
    const template = '{{choices.label.index(answerKey)}}: {{choices.text[0]}} / {{question}}';
    const rows = standInRows(columnsFromTemplate(template), 2);
    expect(rows).toHaveLength(2);
    expect(compileTemplate(template).render(rows[0]!)).toBe('0: 1 / 1');
    expect(rows[1]!.question).toBe('2');
  });
});
