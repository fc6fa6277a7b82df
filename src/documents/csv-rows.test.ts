import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { parseCsv } from './csv-rows.ts';

describe('parseCsv', () => {
  it('reads RFC 4180 quoting: delimiters, doubled quotes and newlines inside quotes, CRLF', () => {
    const text = 'q,a\r\n"x, y","say ""hi"""\r\n"multi\nline",2\r\n';
    expect(parseCsv(text, 'f.csv')).toEqual([
      { q: 'x, y', a: 'say "hi"' },
      { q: 'multi\nline', a: '2' },
    ]);
  });

  it('names headerless columns from options (the MMLU layout)', () => {
    const rows = parseCsv('"Q?",0,4,2,6,B\n', 'f.csv', {
      header: false,
      columns: ['question', 'A', 'B', 'C', 'D', 'answer'],
    });
    expect(rows).toEqual([{ question: 'Q?', A: '0', B: '4', C: '2', D: '6', answer: 'B' }]);
  });

  it('reads TSV and keeps Python csv leniency for quotes inside a field', () => {
    expect(parseCsv('a\tb\nx"y\t"p"q\n', 'f.tsv', { delimiter: '\t' })).toEqual([{ a: 'x"y', b: 'pq' }]);
  });

  it('skips blank lines and gives short records null cells', () => {
    expect(parseCsv('a,b\n\n1\n', 'f.csv')).toEqual([{ a: '1', b: null }]);
  });

  it('types whole columns like pandas when asked', () => {
    expect(parseCsv('n,x,s\n1,1.5,a\n2,,b\n', 'f.csv', { inferTypes: true })).toEqual([
      { n: 1, x: 1.5, s: 'a' },
      { n: 2, x: null, s: 'b' },
    ]);
  });

  it('reports an unterminated quote at the line where it opened', () => {
    const error = (() => {
      try {
        parseCsv('a,b\n1,2\n3,"open\nstill open\n', 'bad.csv');
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect(error?.format()).toBe('bad.csv:3: unterminated quote at line 3');
  });

  it('rejects records with more fields than columns, naming the line', () => {
    expect(() => parseCsv('a\n1,2\n', 'f.csv')).toThrow(/line 2 has 2 fields, expected 1/);
  });
});
