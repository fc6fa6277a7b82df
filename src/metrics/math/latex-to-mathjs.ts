/**
 * LaTeX → mathjs expression text, for the subset MATH answers use: numbers, letters, `+ - * /`,
 * powers, `\frac` (and `\dfrac`, `\tfrac`, `\cfrac`, `\frac12`), `\sqrt{}` and `\sqrt[n]{}`,
 * `\pi`, `\infty`, `i`, `!`, `\binom`, floors, ceilings, `|x|`, trig and log functions, Greek
 * letters. Anything else throws `UntranslatableLatex`: the caller then falls back to strings.
 *
 * Every multiplication is written out (`2*v_x`), so mathjs's own precedence for implicit
 * products never decides a meaning. Letters become `v_<letter>`, so that `E`, `e` or `phi` are
 * variables, not mathjs constants; `i` stays mathjs's imaginary unit.
 */

export class UntranslatableLatex extends Error {}

type Token =
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'letter'; readonly text: string }
  | { readonly kind: 'command'; readonly text: string }
  | { readonly kind: 'symbol'; readonly text: string };

/** Commands that only space or size things. */
const IGNORED_COMMANDS = new Set([
  'left',
  'right',
  'big',
  'Big',
  'bigl',
  'bigr',
  'Bigl',
  'Bigr',
  'displaystyle',
  ',',
  '!',
  ';',
  ':',
  ' ',
  'quad',
  'qquad',
  '%',
]);
const FRACTIONS = new Set(['frac', 'dfrac', 'tfrac', 'cfrac']);
const FUNCTIONS: Readonly<Record<string, string>> = {
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  cot: 'cot',
  sec: 'sec',
  csc: 'csc',
  arcsin: 'asin',
  arccos: 'acos',
  arctan: 'atan',
  ln: 'log',
  log: 'log',
  exp: 'exp',
};
const GREEK = new Set([
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'varepsilon',
  'zeta',
  'eta',
  'theta',
  'vartheta',
  'iota',
  'kappa',
  'lambda',
  'mu',
  'nu',
  'xi',
  'rho',
  'sigma',
  'tau',
  'upsilon',
  'phi',
  'varphi',
  'chi',
  'psi',
  'omega',
  'Gamma',
  'Delta',
  'Theta',
  'Lambda',
  'Xi',
  'Sigma',
  'Phi',
  'Psi',
  'Omega',
]);
// Minerva's normalisation deletes every "ft", so `\infty` reaches us as `\iny`.
const CONSTANTS: Readonly<Record<string, string>> = { pi: 'pi', infty: 'Infinity', iny: 'Infinity' };
/** `6\frac{3}{4}` alone is the mixed number 6¾, not 6 × ¾. */
const MIXED_NUMBER = /^(-?)(\d+)\s*\\[dtc]?frac\{(\d+)\}\{(\d+)\}$/;
const OPERATORS: Readonly<Record<string, string>> = { cdot: '*', times: '*', div: '/' };
const OPENERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/** Commands that may run into the letters after them once Minerva has deleted the spaces (`\cot x` → `\cotx`). */
const PREFIX_COMMANDS = [...Object.keys(FUNCTIONS), ...GREEK, ...Object.keys(CONSTANTS)].sort(
  (a, b) => b.length - a.length,
);

/** A command, or a known command and the letters run into it. */
function commandTokens(name: string): Token[] {
  const known = (n: string) =>
    IGNORED_COMMANDS.has(n) || FRACTIONS.has(n) || n in FUNCTIONS || GREEK.has(n) || n in CONSTANTS || n in OPERATORS;
  const prefix = known(name) ? undefined : PREFIX_COMMANDS.find((p) => name.startsWith(p));
  if (prefix === undefined) return [{ kind: 'command', text: name }];
  return [
    { kind: 'command', text: prefix },
    ...Array.from(name.slice(prefix.length), (ch) => ({ kind: 'letter', text: ch }) as const),
  ];
}

function tokenize(latex: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < latex.length) {
    const rest = latex.slice(i);
    const space = /^\s+/.exec(rest);
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(rest);
    const command = /^\\(?:[A-Za-z]+|.)/s.exec(rest);
    if (space) i += space[0].length;
    else if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
    } else if (command) {
      tokens.push(...commandTokens(command[0].slice(1)));
      i += command[0].length;
    } else {
      const ch = latex[i]!;
      tokens.push({ kind: /[A-Za-z]/.test(ch) ? 'letter' : 'symbol', text: ch });
      i++;
    }
  }
  return tokens.filter((t) => !(t.kind === 'command' && IGNORED_COMMANDS.has(t.text)));
}

const isSymbol = (t: Token | undefined, text: string) =>
  t !== undefined && (t.kind === 'symbol' || t.kind === 'command') && t.text === text;

class Translator {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private fail(why: string): never {
    throw new UntranslatableLatex(why);
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token {
    return this.tokens[this.pos++] ?? this.fail('unexpected end');
  }

  /** The whole input as one expression. */
  all(): string {
    const out = this.sequence(undefined);
    if (this.pos < this.tokens.length) this.fail(`unexpected ${this.peek()!.text}`);
    if (out === '') this.fail('empty expression');
    return out;
  }

  /**
   * Operands and operators up to `close` (not consumed) or the end; a `*` goes between two
   * operands that touch.
   */
  private sequence(close: string | undefined): string {
    let out = '';
    let afterOperand = false;
    let openBars = 0;
    for (let t = this.peek(); t !== undefined && !(close !== undefined && isSymbol(t, close)); t = this.peek()) {
      if (isSymbol(t, '|') && openBars > 0 && afterOperand) {
        this.pos++;
        openBars--;
        out += ')';
        continue;
      }
      const operator = this.operator(t);
      if (operator !== undefined) {
        this.pos++;
        out += operator;
        afterOperand = operator === '!';
        continue;
      }
      if (isSymbol(t, '|')) {
        this.pos++;
        openBars++;
        out += `${afterOperand ? '*' : ''}abs(`;
        afterOperand = false;
        continue;
      }
      out += (afterOperand ? '*' : '') + this.operandWithPower();
      afterOperand = true;
    }
    if (openBars > 0) this.fail('unclosed |');
    return out;
  }

  private operator(t: Token): string | undefined {
    if (t.kind === 'symbol' && '+-*/!'.includes(t.text)) return t.text;
    if (t.kind === 'command') return OPERATORS[t.text];
    return undefined;
  }

  private operandWithPower(): string {
    let out = this.operand();
    while (isSymbol(this.peek(), '^')) {
      this.pos++;
      out = `${out}^${this.argument()}`;
    }
    if (isSymbol(this.peek(), '!')) {
      this.pos++;
      out = `(${out})!`;
    }
    return out;
  }

  /** A braced group or one token, as a command's argument (`\frac12`, `x^2`, `\sqrt{…}`). */
  private argument(): string {
    const t = this.next();
    if (isSymbol(t, '{')) return this.closed('}');
    if (t.kind === 'number') {
      const rest = t.text.slice(1);
      if (rest !== '') this.pushBack({ kind: 'number', text: rest });
      return t.text[0]!;
    }
    this.pos--;
    return this.operand();
  }

  private pushBack(token: Token): void {
    (this.tokens as Token[]).splice(this.pos, 0, token);
  }

  /** The group after an opening bracket, through its closing one, in parentheses. */
  private closed(close: string): string {
    const inner = this.sequence(close);
    if (!isSymbol(this.next(), close)) this.fail(`expected ${close}`);
    if (inner === '') this.fail('empty group');
    return `(${inner})`;
  }

  private operand(): string {
    const t = this.next();
    if (t.kind === 'number') return t.text;
    if (t.kind === 'letter') return t.text === 'i' ? 'i' : `v_${t.text}`;
    if (t.kind === 'symbol') {
      const close = OPENERS[t.text];
      if (close !== undefined) return this.closed(close);
      if (t.text === '-' || t.text === '+') return `(${t.text}${this.operandWithPower()})`;
      return this.fail(`unexpected ${t.text}`);
    }
    return this.commandOperand(t.text);
  }

  private commandOperand(name: string): string {
    if (FRACTIONS.has(name)) return `((${this.argument()})/(${this.argument()}))`;
    if (name === 'sqrt') {
      if (isSymbol(this.peek(), '[')) {
        this.pos++;
        const index = this.closed(']');
        return `nthRoot(${this.argument()}, ${index})`;
      }
      return `sqrt(${this.argument()})`;
    }
    if (name === 'binom') return `binom(${this.argument()}, ${this.argument()})`;
    if (name === 'lfloor') return `floor${this.closed('rfloor')}`;
    if (name === 'lceil') return `ceil${this.closed('rceil')}`;
    if (name === '{') return this.closed('}');
    const constant = CONSTANTS[name];
    if (constant !== undefined) return constant;
    if (GREEK.has(name)) return `v_${name}`;
    const fn = FUNCTIONS[name];
    if (fn !== undefined) return this.functionCall(fn, name);
    return this.fail(`unsupported command \\${name}`);
  }

  /** `\sin x`, `\sin^2(x)`, `\log_{2} 8`: the argument is a bracketed group or the operands that follow. */
  private functionCall(fn: string, name: string): string {
    let base: string | undefined;
    if (isSymbol(this.peek(), '_')) {
      if (name !== 'log') this.fail(`subscript on \\${name}`);
      this.pos++;
      base = this.argument();
    }
    let power = '';
    if (isSymbol(this.peek(), '^')) {
      this.pos++;
      power = `^${this.argument()}`;
    }
    let argument = this.operandWithPower();
    for (let t = this.peek(); t && (t.kind === 'number' || t.kind === 'letter'); t = this.peek()) {
      argument += `*${this.operandWithPower()}`;
    }
    const call = base === undefined ? `${fn}(${argument})` : `log(${argument}, ${base})`;
    return `(${call}${power})`;
  }
}

/** The mathjs expression text for a LaTeX answer; throws UntranslatableLatex outside the subset. */
export function latexToMathjs(latex: string): string {
  const mixed = MIXED_NUMBER.exec(latex);
  if (mixed) return `${mixed[1]}(${mixed[2]}+${mixed[3]}/${mixed[4]})`;
  // `{}` groups nothing: Minerva's `\fracab` rewrite leaves one in `\frac9{5}` → `\frac{9}{{}5}`.
  const cleaned = latex.replaceAll('{}', '');
  return new Translator(tokenize(cleaned)).all();
}
