/**
 * Python `re` patterns, run on JavaScript's RegExp.
 *
 * Task YAMLs carry Python regexes (filters' regex_pattern, exact_match's regexes_to_ignore, the
 * Jinja `regex_replace` filter). The two dialects mostly agree, but differ silently where it
 * hurts: Python's `\d`, `\w`, `\s` and `\b` are Unicode-aware, `.` only excludes "\n", `$` also
 * matches before a final "\n", and Python accepts `(?i)`, `(?P<name>...)`, `\Z`, stray `{` and
 * escapes of any punctuation (`\,`). We translate those into an equivalent `u`-mode RegExp;
 * anything we can't translate faithfully is a UserError naming the pattern rather than a
 * different match.
 */
import { UserError } from '../errors.ts';
import { isPythonSpace, PYTHON_WHITESPACE_CLASS as PY_SPACE } from './whitespace.ts';

const ASCII_SPACE = ' \\t\\n\\r\\f\\v';
const UNICODE_WORD = '\\p{L}\\p{N}_';
const ASCII_WORD = 'A-Za-z0-9_';
const SYNTAX_CHARS = new Set([...'^$\\.*+?()[]{}|/']);

interface Flags {
  ignoreCase: boolean;
  dotAll: boolean;
  multiline: boolean;
  verbose: boolean;
  ascii: boolean;
}

/** Compile a Python pattern; `where` names the config field for the error message. */
export function compilePythonRegex(pattern: string, where = 'regex'): RegExp {
  const fail = (why: string): never => {
    throw new UserError(`cannot use Python regex ${JSON.stringify(pattern)}: ${why}`, { field: where });
  };
  const { flags, body } = leadingFlags(pattern, fail);
  const source = new Translator(body, flags, fail).translate();
  try {
    return new RegExp(source, flags.ignoreCase ? 'iu' : 'u');
  } catch (e) {
    return fail((e as Error).message);
  }
}

/** Python's re.findall: whole match, the one group, or a tuple of groups ('' when unmatched). */
export function pythonFindall(regex: RegExp, text: string): (string | string[])[] {
  return Array.from(text.matchAll(globalCopy(regex)), (m) => {
    if (m.length === 1) return m[0];
    if (m.length === 2) return m[1] ?? '';
    return m.slice(1).map((g) => g ?? '');
  });
}

/** Python's re.sub(pattern, '', text). */
export function pythonRemoveAll(regex: RegExp, text: string): string {
  return text.replace(globalCopy(regex), () => '');
}

/** Python's re.sub(pattern, repl, text, count): repl understands \1, \g<1>, \g<name> and \n-style escapes. */
export function pythonSub(pattern: string, repl: string, text: string, count = 0): string {
  const regex = globalCopy(compilePythonRegex(pattern, 'regex_replace'));
  let done = 0;
  return text.replace(regex, (...args: unknown[]) => {
    if (count > 0 && done >= count) return args[0] as string;
    done++;
    const hasNamed = typeof args[args.length - 1] === 'object';
    const groups = (hasNamed ? args[args.length - 1] : undefined) as Record<string, string | undefined> | undefined;
    const numbered = args.slice(0, hasNamed ? -3 : -2) as (string | undefined)[];
    return expandReplacement(repl, numbered, groups);
  });
}

const REPLACEMENT_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  f: '\f',
  v: '\v',
  a: '\x07',
  b: '\b',
  '\\': '\\',
};

function expandReplacement(
  repl: string,
  numbered: readonly (string | undefined)[],
  named: Record<string, string | undefined> | undefined,
): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const ch = repl[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const rest = repl.slice(i + 1);
    const group = /^g<(\w+)>/.exec(rest) ?? /^(\d{1,2})/.exec(rest);
    if (group) {
      const key = group[1]!;
      out += (/^\d+$/.test(key) ? numbered[Number(key)] : named?.[key]) ?? '';
      i += group[0].length;
    } else if (rest[0] !== undefined && rest[0] in REPLACEMENT_ESCAPES) {
      out += REPLACEMENT_ESCAPES[rest[0]];
      i++;
    } else {
      out += ch; // Python keeps unknown non-letter escapes as written
    }
  }
  return out;
}

const globalCopy = (regex: RegExp) => new RegExp(regex.source, `${regex.flags.replace('g', '')}g`);

function leadingFlags(pattern: string, fail: (why: string) => never): { flags: Flags; body: string } {
  const flags: Flags = { ignoreCase: false, dotAll: false, multiline: false, verbose: false, ascii: false };
  let body = pattern;
  for (let m = /^\(\?([a-zA-Z]+)\)/.exec(body); m; m = /^\(\?([a-zA-Z]+)\)/.exec(body)) {
    for (const f of m[1] ?? '') {
      if (f === 'i') flags.ignoreCase = true;
      else if (f === 's') flags.dotAll = true;
      else if (f === 'm') flags.multiline = true;
      else if (f === 'x') flags.verbose = true;
      else if (f === 'a') flags.ascii = true;
      else if (f !== 'u') fail(`inline flag "${f}" is not supported`);
    }
    body = body.slice(m[0].length);
  }
  return { flags, body };
}

/** A character class's parts: JS class text plus sets we can only express negated (\W, \S). */
interface ClassParts {
  positive: string;
  negatedSets: string[];
}

class Translator {
  private readonly chars: string[];
  private pos = 0;
  private out = '';
  private lastWasQuantifier = false;

  constructor(
    body: string,
    private readonly flags: Flags,
    private readonly fail: (why: string) => never,
  ) {
    this.chars = Array.from(body);
  }

  translate(): string {
    while (this.pos < this.chars.length) this.step();
    return this.out;
  }

  private step(): void {
    const c = this.chars[this.pos++] as string;
    let quantifier = false;
    if (this.flags.verbose && isPythonSpace(c)) return;
    if (this.flags.verbose && c === '#') {
      while (this.pos < this.chars.length && this.chars[this.pos] !== '\n') this.pos++;
      return;
    }
    if (c === '\\') this.out += this.escape();
    else if (c === '[') this.out += this.characterClass();
    else if (c === '(') this.out += this.group();
    else if (c === '.') this.out += this.flags.dotAll ? '[\\s\\S]' : '[^\\n]';
    else if (c === '^') this.out += this.flags.multiline ? '(?<![^\\n])' : '^';
    // Python's `$` also matches just before a trailing newline.
    else if (c === '$') this.out += this.flags.multiline ? '(?![^\\n])' : '(?=\\n?(?![\\s\\S]))';
    else if (c === '{') {
      const repeat = this.repeatBounds();
      quantifier = repeat !== null;
      this.out += repeat ?? '\\{';
    } else if (c === '*' || c === '+' || c === '?') {
      if (this.lastWasQuantifier && c === '+') this.fail('possessive quantifiers are not supported');
      if (this.lastWasQuantifier && c === '?') {
        this.out += '?'; // lazy modifier
      } else {
        this.out += c;
        quantifier = true;
      }
    } else if (c === '}' || c === ']') this.out += `\\${c}`;
    else this.out += c;
    this.lastWasQuantifier = quantifier;
  }

  /** `{m}`, `{m,n}`, `{m,}`, `{,n}` are repeats in Python; any other `{` is a literal. */
  private repeatBounds(): string | null {
    const rest = this.chars.slice(this.pos, this.pos + 24).join('');
    const m = /^(\d*)(,?)(\d*)\}/.exec(rest);
    if (!m || (m[1] === '' && m[2] === '')) return null;
    this.pos += m[0].length;
    const low = m[1] || '0';
    return m[2] ? `{${low},${m[3]}}` : `{${low}}`;
  }

  private group(): string {
    if (this.chars[this.pos] !== '?') return '(';
    const rest = this.chars.slice(this.pos, this.pos + 3).join('');
    if (rest.startsWith('?:') || rest.startsWith('?=') || rest.startsWith('?!')) {
      this.pos += 2;
      return `(${rest.slice(0, 2)}`;
    }
    if (rest === '?<=' || rest === '?<!') {
      this.pos += 3;
      return `(${rest}`;
    }
    if (rest.startsWith('?P<')) {
      this.pos += 3;
      return '(?<';
    }
    if (rest.startsWith('?P=')) {
      const close = this.chars.indexOf(')', this.pos);
      if (close < 0) this.fail('unterminated (?P=name)');
      const name = this.chars.slice(this.pos + 3, close).join('');
      this.pos = close + 1;
      return `\\k<${name}>`;
    }
    if (rest.startsWith('?#')) {
      const close = this.chars.indexOf(')', this.pos);
      if (close < 0) this.fail('unterminated comment');
      this.pos = close + 1;
      return '';
    }
    if (/^\?[aiLmsux-]/.test(rest)) return this.fail('inline flags are only supported at the start of the pattern');
    return this.fail(`group extension "(${rest}" is not supported`);
  }

  private escape(): string {
    const c = this.chars[this.pos++];
    if (c === undefined) return this.fail('pattern ends with a backslash');
    const { ascii } = this.flags;
    const word = `[${ascii ? ASCII_WORD : UNICODE_WORD}]`;
    switch (c) {
      case 'A':
        return '(?<![\\s\\S])';
      case 'Z':
        return '(?![\\s\\S])';
      case 'b':
        return ascii ? '\\b' : `(?:(?<=${word})(?!${word})|(?<!${word})(?=${word}))`;
      case 'B':
        return ascii ? '\\B' : `(?:(?<=${word})(?=${word})|(?<!${word})(?!${word}))`;
      case 'd':
        return ascii ? '[0-9]' : '\\p{Nd}';
      case 'D':
        return ascii ? '[^0-9]' : '\\P{Nd}';
      case 'w':
        return word;
      case 'W':
        return `[^${word.slice(1, -1)}]`;
      case 's':
        return `[${ascii ? ASCII_SPACE : PY_SPACE}]`;
      case 'S':
        return `[^${ascii ? ASCII_SPACE : PY_SPACE}]`;
    }
    if (/[1-9]/.test(c) && !this.isOctal(c)) {
      let ref = c;
      if (/[0-9]/.test(this.chars[this.pos] ?? '')) ref += this.chars[this.pos++];
      return `(?:\\${ref})`;
    }
    return this.literalEscape(c);
  }

  /** Escapes that stand for one character, valid both inside and outside a class. */
  private literalEscape(c: string, inClass = false): string {
    switch (c) {
      case 'n':
      case 't':
      case 'r':
      case 'f':
      case 'v':
        return `\\${c}`;
      case 'a':
        return '\\x07';
      case 'x':
        return `\\x${this.hexDigits(2)}`;
      case 'u':
        return `\\u${this.hexDigits(4)}`;
      case 'U':
        return `\\u{${this.hexDigits(8)}}`;
    }
    if (/[0-7]/.test(c)) {
      let digits = c;
      while (digits.length < 3 && /[0-7]/.test(this.chars[this.pos] ?? '')) digits += this.chars[this.pos++];
      return codePointEscape(Number.parseInt(digits, 8));
    }
    if (/[A-Za-z0-9]/.test(c)) return this.fail(`bad escape \\${c}`);
    // `u` mode only allows escaping syntax characters (and `-` inside a class).
    if (SYNTAX_CHARS.has(c) || (inClass && c === '-')) return `\\${c}`;
    return codePointEscape(c.codePointAt(0) as number);
  }

  /** Python reads `\1`..`\99` as group references, but three octal digits as a character. */
  private isOctal(first: string): boolean {
    const next2 = this.chars.slice(this.pos, this.pos + 2).join('');
    return /[0-7]/.test(first) && /^[0-7]{2}$/.test(next2);
  }

  private hexDigits(count: number): string {
    const digits = this.chars.slice(this.pos, this.pos + count).join('');
    if (!new RegExp(`^[0-9a-fA-F]{${count}}$`).test(digits)) this.fail(`incomplete escape ${digits}`);
    this.pos += count;
    return digits;
  }

  private characterClass(): string {
    let negated = false;
    if (this.chars[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    const parts: ClassParts = { positive: '', negatedSets: [] };
    let first = true;
    for (;;) {
      const c = this.chars[this.pos++];
      if (c === undefined) return this.fail('unterminated character set');
      if (c === ']' && !first) break;
      first = false;
      if (c === '\\') this.classEscape(parts);
      else if (c === '[' || c === ']' || c === '^') parts.positive += `\\${c}`;
      else parts.positive += c;
    }
    return renderClass(parts, negated);
  }

  private classEscape(parts: ClassParts): void {
    const c = this.chars[this.pos++];
    if (c === undefined) this.fail('pattern ends with a backslash');
    const { ascii } = this.flags;
    const word = ascii ? ASCII_WORD : UNICODE_WORD;
    const space = ascii ? ASCII_SPACE : PY_SPACE;
    if (c === 'd') parts.positive += ascii ? '0-9' : '\\p{Nd}';
    else if (c === 'w') parts.positive += word;
    else if (c === 's') parts.positive += space;
    else if (c === 'D') parts.negatedSets.push('0-9');
    else if (c === 'W') parts.negatedSets.push(word);
    else if (c === 'S') parts.negatedSets.push(space);
    else if (c === 'b') parts.positive += '\\x08';
    else parts.positive += this.literalEscape(c as string, true);
  }
}

/** `[ab\W]` has no single-class form in `u` mode, so it becomes `(?:[ab]|[^\w])`. */
function renderClass({ positive, negatedSets }: ClassParts, negated: boolean): string {
  if (negatedSets.length === 0) return `[${negated ? '^' : ''}${positive}]`;
  const alternatives = [...(positive ? [`[${positive}]`] : []), ...negatedSets.map((set) => `[^${set}]`)];
  const any = `(?:${alternatives.join('|')})`;
  return negated ? `(?:(?!${any})[\\s\\S])` : any;
}

function codePointEscape(cp: number): string {
  return cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\u{${cp.toString(16)}}`;
}
