/**
 * A subset of Python's ast.literal_eval: strings (quotes, triple quotes, r/u/b prefixes,
 * escapes, implicit concatenation), ints, floats, True/False/None, lists, tuples, dicts, sets.
 * lm-eval turns rendered templates back into values with it: `doc_to_choice: "{{choices.text}}"`
 * renders "['a', 'b']" and is parsed here. Tuples and sets come back as arrays.
 */
export class LiteralSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'LiteralSyntaxError';
  }
}

export function literalEval(source: string): unknown {
  const parser = new LiteralParser(source);
  parser.skipSpace();
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('unexpected text after the value');
  return value;
}

class LiteralParser {
  private pos = 0;
  constructor(private readonly src: string) {}

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  fail(message: string): never {
    throw new LiteralSyntaxError(`${message} at offset ${this.pos}`, this.pos);
  }

  skipSpace(): void {
    while (this.pos < this.src.length && /[ \t\n\r\f\v]/.test(this.src[this.pos]!)) this.pos++;
  }

  value(): unknown {
    const ch = this.src[this.pos];
    if (ch === undefined) this.fail('unexpected end of input');
    if (ch === '[') return this.sequence(']');
    if (ch === '(') return this.sequence(')');
    if (ch === '{') return this.braces();
    if (ch === '-' || ch === '+') {
      this.pos++;
      this.skipSpace();
      const n = this.value();
      if (typeof n !== 'number') this.fail('sign before a non-number');
      return ch === '-' ? -n : n;
    }
    if (/[0-9.]/.test(ch)) return this.number();
    const word = /^[A-Za-z_]\w*/.exec(this.src.slice(this.pos))?.[0];
    if (word !== undefined && /^[rRuUbB]{1,2}$/.test(word) && /['"]/.test(this.src[this.pos + word.length] ?? '')) {
      return this.strings();
    }
    if (ch === "'" || ch === '"') return this.strings();
    if (word === 'True' || word === 'False' || word === 'None') {
      this.pos += word.length;
      return word === 'True' ? true : word === 'False' ? false : null;
    }
    return this.fail('not a literal');
  }

  private sequence(close: string): unknown[] {
    this.pos++;
    const items: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === close) break;
      items.push(this.value());
      this.skipSpace();
      if (this.src[this.pos] === ',') this.pos++;
      else if (this.src[this.pos] !== close) this.fail(`expected "," or "${close}"`);
    }
    this.pos++;
    return items;
  }

  private braces(): unknown {
    this.pos++;
    this.skipSpace();
    if (this.src[this.pos] === '}') {
      this.pos++;
      return {};
    }
    const first = this.value();
    this.skipSpace();
    if (this.src[this.pos] !== ':') {
      // A set: comes back as an array in source order.
      const items = [first];
      while (this.src[this.pos] === ',') {
        this.pos++;
        this.skipSpace();
        if (this.src[this.pos] === '}') break;
        items.push(this.value());
        this.skipSpace();
      }
      if (this.src[this.pos] !== '}') this.fail('expected "}"');
      this.pos++;
      return items;
    }
    const dict: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      this.pos++; // ':'
      this.skipSpace();
      dict[String(key)] = this.value();
      this.skipSpace();
      if (this.src[this.pos] === ',') {
        this.pos++;
        this.skipSpace();
      }
      if (this.src[this.pos] === '}') break;
      key = this.value();
      this.skipSpace();
      if (this.src[this.pos] !== ':') this.fail('expected ":"');
    }
    this.pos++;
    return dict;
  }

  private number(): number {
    const m = /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?[\d_]*(?:[eE][+-]?\d+)?)/.exec(
      this.src.slice(this.pos),
    );
    const text = m?.[0] ?? '';
    if (text === '' || text === '.') this.fail('bad number');
    this.pos += text.length;
    const clean = text.replace(/_/g, '');
    if (/^0[xob]/i.test(clean)) return Number(clean);
    // Python 3 rejects leading zeros in non-zero decimal ints ("007").
    if (/^0\d+$/.test(clean) && !/^0+$/.test(clean)) this.fail('leading zeros in a decimal integer');
    return Number(clean);
  }

  /** One or more adjacent string literals, concatenated as Python does. */
  private strings(): string {
    let out = this.string();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      const rest = this.src.slice(this.pos);
      if (/^(?:[rRuUbB]{1,2})?['"]/.test(rest)) out += this.string();
      else {
        this.pos = save;
        return out;
      }
    }
  }

  private string(): string {
    const prefix = /^[rRuUbB]{0,2}/.exec(this.src.slice(this.pos))![0];
    this.pos += prefix.length;
    const raw = /r/i.test(prefix);
    const quote = this.src.startsWith(this.src[this.pos]!.repeat(3), this.pos)
      ? this.src[this.pos]!.repeat(3)
      : this.src[this.pos]!;
    this.pos += quote.length;
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string');
      if (this.src.startsWith(quote, this.pos)) {
        this.pos += quote.length;
        return out;
      }
      const ch = this.src[this.pos]!;
      if (quote.length === 1 && ch === '\n') this.fail('newline in a string');
      if (ch !== '\\') {
        out += ch;
        this.pos++;
        continue;
      }
      if (raw) {
        out += ch + (this.src[this.pos + 1] ?? '');
        this.pos += 2;
        continue;
      }
      out += this.escape();
    }
  }

  private escape(): string {
    const next = this.src[this.pos + 1] ?? '';
    this.pos += 2;
    const simple: Record<string, string> = {
      '\n': '',
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
    };
    if (next in simple) return simple[next]!;
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const digits = this.src.slice(this.pos, this.pos + hexLength);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hexLength) this.fail(`bad \\${next} escape`);
      this.pos += hexLength;
      return String.fromCodePoint(Number.parseInt(digits, 16));
    }
    if (/[0-7]/.test(next)) {
      const octal = next + (/^[0-7]{0,2}/.exec(this.src.slice(this.pos))?.[0] ?? '');
      this.pos += octal.length - 1;
      return String.fromCodePoint(Number.parseInt(octal, 8));
    }
    // Unknown escapes keep their backslash in Python.
    return `\\${next}`;
  }
}
