import { describe, expect, it } from 'vitest';
import { compileTemplate, MissingTemplateVariable } from './jinja.ts';

// Expected strings are what Python's jinja2 (lm-eval's environment: StrictUndefined,
// keep_trailing_newline, regex_replace) renders for the same template and doc.
const render = (template: string, doc: Record<string, unknown> = {}) => compileTemplate(template).render(doc);

describe('lm-eval Jinja semantics', () => {
  it('evaluates the Python-isms lm-eval templates use', () => {
    const arc = { choices: { label: ['A', 'B', 'C'], text: ["it's", 'say "hi"', 'back\\slash\n'] }, answerKey: 'B' };
    expect(render('{{choices.label.index(answerKey)}}', arc)).toBe('1');
    expect(render('{{choices.text}}', arc)).toBe(`["it's", 'say "hi"', 'back\\\\slash\\n']`);
    expect(
      render('{{question.strip()}}|{{ s.strip("xy") }}|{{ s.split() }}', { question: '  Q?\n ', s: 'xyhi thereyx' }),
    ).toBe("Q?|hi there|['xyhi', 'thereyx']");
    expect(
      render("{{'ABCD'[answer]}} {{ [1, 2.0, True, None] }} {{ xs|join(', ') }} {{ ', '.join(xs) }}", {
        answer: 2,
        xs: ['a', 'b'],
      }),
    ).toBe('C [1, 2.0, True, None] a, b a, b');
    expect(render("{{ answer.split('#### ')[-1].rstrip() }}", { answer: 'work\n#### 72  ' })).toBe('72');
    expect(render('{% for c in choices %}{{loop.index}}. {{c}}\n{% endfor %}', { choices: ['a', 'b'] })).toBe(
      '1. a\n2. b\n',
    );
    expect(render('{{ s|length }} {{ s[-1] }} {{ s[1:3] }}', { s: 'h\u00e9llo\u{1F600}' })).toBe('6 \u{1F600} \u00e9l');
    expect(render("{{ a ~ b }} {{ a == [1] }} {{ 'x' in xs }}", { a: [1], b: { k: 'v' }, xs: ['x'] })).toBe(
      "[1]{'k': 'v'} True True",
    );
  });

  it("supports the regex_replace filter with Python's re.sub semantics", () => {
    expect(render("{{ text|regex_replace('(\\d+)', '<\\\\1>') }}", { text: 'a 12 b 3' })).toBe('a <12> b <3>');
    expect(render("{{ text|regex_replace('(?P<n>[0-9]+)', '[\\\\g<n>]', 1) }}", { text: 'x1y22' })).toBe('x[1]y22');
  });

  it('keeps the final newline and whitespace around blocks, like keep_trailing_newline without trim_blocks', () => {
    expect(render('line\n')).toBe('line\n');
    expect(render("  {% set p = 'a\nb' %}  {{p + '\n\nQ: ' + q}}\n", { q: 'Q' })).toBe('    a\nb\n\nQ: Q\n');
  });

  it('raises on undefined values like StrictUndefined, but allows `is defined` and `default`', () => {
    expect(() => render('{{ missing }}')).toThrow(MissingTemplateVariable);
    expect(() => render('{{ d.nope }}', { d: {} })).toThrow("'d.nope' is undefined");
    expect(() => render('{{ xs[5] }}', { xs: [1] })).toThrow("'xs[5]' is undefined");
    expect(
      render('{% if is_fewshot is defined %}{{code}}{% else %}{{tests[0]}}{% endif %}', { code: 'c', tests: ['t'] }),
    ).toBe('t');
    expect(render("{{ x|default('none') }} {{ y|default('dflt') }}", { x: 'set' })).toBe('set dflt');
  });
});
