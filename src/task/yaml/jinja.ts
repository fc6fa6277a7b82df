import * as jinja from '@huggingface/jinja';
import { pythonSub } from '../../python/regex.ts';
import { pythonFloatRepr, pythonStringRepr } from '../../python/repr.ts';
import { pythonStrip } from '../../python/whitespace.ts';
import { normalizeStringEscapes } from './jinja-escapes.ts';
import { compileFastRender } from './jinja-fast.ts';
// import cycle: Python's str and list methods are written with this module's fn/pyStr/pyEquals, and this
// module installs them on template values; both sides call each other only while rendering, never at load.
import { addPythonMethods } from './jinja-methods.ts';
import { toRuntimeValue } from './jinja-values.ts';

/**
 * lm-eval renders prompts with Jinja2 configured as `StrictUndefined`, `keep_trailing_newline=True`,
 * no trim/lstrip of blocks, plus a `regex_replace` filter, on Python values. @huggingface/jinja is a
 * close JS port; this module closes the gaps that change prompt bytes:
 * - undefined variables and missing keys raise (MissingTemplateVariable) instead of rendering "";
 * - `{{ value }}` prints Python's str(): lists as "['a', 'b']", True/False/None, 1.0 (not JSON);
 * - Python methods the templates call (`.index()`, `.strip(chars)`, `.split()`, `', '.join(x)`...);
 * - `regex_replace`, `join` with str() items, code-point string length and indexing;
 * - the template's final newline is kept (the port always drops it).
 */
// The port's .d.ts files use extensionless imports that NodeNext cannot follow, so its classes
// type as `any`; these are the parts we rely on.
export interface RuntimeValue {
  readonly type: string;
  // biome-ignore lint/suspicious/noExplicitAny: the port's value payload differs per runtime type.
  readonly value: any;
  readonly builtins: ReadonlyMap<string, RuntimeValue>;
  __bool__(): { value: boolean };
}
interface Environment {
  set(name: string, value: unknown): RuntimeValue;
}
// biome-ignore lint/suspicious/noExplicitAny: AST nodes are reached by their `type` tag; the port exports no node types.
type AnyNode = any;
type Node = object;
const Environment = jinja.Environment as unknown as new (parent?: Environment) => Environment;
const Interpreter = jinja.Interpreter as unknown as new (
  env: Environment,
) => { evaluate(node: Node | undefined, env: Environment): RuntimeValue; run(program: Node): RuntimeValue };
const { parse, tokenize } = jinja as unknown as {
  parse(tokens: unknown): Node;
  tokenize(source: string, options: { lstrip_blocks: boolean; trim_blocks: boolean }): unknown;
};

export class MissingTemplateVariable extends Error {
  constructor(readonly variable: string) {
    super(`'${variable}' is undefined`);
    this.name = 'MissingTemplateVariable';
  }
}

export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
}

/** A template that parsed but failed on a doc (an unknown filter, int + str), as Jinja2 raises. */
export class TemplateRuntimeError extends Error {
  override name = 'TemplateRuntimeError';
}

export interface CompiledTemplate {
  readonly source: string;
  render(context: Readonly<Record<string, unknown>>): string;
}

/** Parses once; throws TemplateSyntaxError. */
export function compileTemplate(source: string): CompiledTemplate {
  let program: Node;
  try {
    // The port strips one trailing newline in preprocessing; an extra one cancels that.
    const normalized = normalizeStringEscapes(source);
    program = parse(tokenize(`${normalized}\n`, { lstrip_blocks: false, trim_blocks: false }));
  } catch (e) {
    throw new TemplateSyntaxError((e as Error).message);
  }
  const outputs = new WeakSet<object>();
  markOutputNodes(program, outputs);
  const fast = compileFastRender((program as AnyNode).body ?? []);
  return {
    source,
    render(context) {
      const rendered = fast?.(context);
      if (rendered !== undefined) return rendered;
      const scope = new Environment(globalScope());
      for (const [key, value] of Object.entries(context)) scope.set(key, value);
      try {
        return String(new PythonInterpreter(scope, outputs).run(program).value);
      } catch (e) {
        if (e instanceof MissingTemplateVariable || e instanceof TemplateRuntimeError) throw e;
        throw new TemplateRuntimeError((e as Error).message);
      }
    },
  };
}

/** Nodes whose value is printed (`{{ x }}` in a block body), as opposed to used in an expression. */
const BLOCK_FIELDS: Record<string, readonly string[]> = {
  Program: ['body'],
  If: ['body', 'alternate'],
  For: ['body', 'defaultBlock'],
  Set: ['body'],
  Macro: ['body'],
  CallStatement: ['body'],
  FilterStatement: ['body'],
};
const STATEMENTS = new Set([...Object.keys(BLOCK_FIELDS), 'Break', 'Continue', 'Comment']);

function markOutputNodes(node: AnyNode, outputs: WeakSet<object>): void {
  for (const field of BLOCK_FIELDS[node.type] ?? []) {
    for (const child of node[field] ?? []) {
      if (STATEMENTS.has(child.type)) markOutputNodes(child, outputs);
      else outputs.add(child);
    }
  }
}

let cachedGlobals: Environment | undefined;
function globalScope(): Environment {
  if (cachedGlobals) return cachedGlobals;
  const env = new Environment();
  for (const [name, value] of [
    ['true', true],
    ['false', false],
    ['none', null],
    ['True', true],
    ['False', false],
    ['None', null],
  ] as const) {
    env.set(name, value);
  }
  env.set('range', (start: number, stop?: number, step = 1) => {
    const [from, to] = stop === undefined ? [0, start] : [start, stop];
    const out: number[] = [];
    for (let i = from; step > 0 ? i < to : i > to; i += step) out.push(i);
    return out;
  });
  cachedGlobals = env;
  return env;
}

const make = toRuntimeValue;
const FunctionValue = make(() => 0).constructor as new (fn: (args: RuntimeValue[]) => RuntimeValue) => RuntimeValue;
export const fn = (body: (args: RuntimeValue[]) => unknown): RuntimeValue =>
  new FunctionValue((args) => {
    const result = body(args);
    return isRuntime(result) ? result : make(result);
  });
const isRuntime = (v: unknown): v is RuntimeValue =>
  typeof v === 'object' &&
  v !== null &&
  'type' in v &&
  typeof (v as { type: unknown }).type === 'string' &&
  'value' in v;

/** Python str() of a runtime value. */
export function pyStr(value: RuntimeValue): string {
  return value.type === 'StringValue' ? (value.value as string) : pyRepr(value);
}

export function pyRepr(value: RuntimeValue): string {
  switch (value.type) {
    case 'StringValue':
      return pythonStringRepr(value.value as string);
    case 'IntegerValue':
      return String(value.value);
    case 'FloatValue':
      return pythonFloatRepr(value.value as number);
    case 'BooleanValue':
      return value.value ? 'True' : 'False';
    case 'NullValue':
      return 'None';
    case 'UndefinedValue':
      throw new MissingTemplateVariable('(undefined value)');
    case 'TupleValue': {
      const items = (value.value as RuntimeValue[]).map(pyRepr);
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    }
    case 'ArrayValue':
      return `[${(value.value as RuntimeValue[]).map(pyRepr).join(', ')}]`;
    case 'ObjectValue':
    case 'KeywordArgumentsValue':
    case 'NamespaceValue':
      return `{${[...(value.value as Map<string, RuntimeValue>)].map(([k, v]) => `${pythonStringRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
    default:
      return String(value.value);
  }
}

/** Python ==: by value for lists and dicts, numbers across int/float/bool. */
export function pyEquals(a: RuntimeValue, b: RuntimeValue): boolean {
  const numeric = (v: RuntimeValue) => ['IntegerValue', 'FloatValue', 'BooleanValue'].includes(v.type);
  if (numeric(a) && numeric(b)) return Number(a.value) === Number(b.value);
  const seq = (v: RuntimeValue) => v.type === 'ArrayValue' || v.type === 'TupleValue';
  if (seq(a) && seq(b)) {
    const x = a.value as RuntimeValue[];
    const y = b.value as RuntimeValue[];
    return a.type === b.type && x.length === y.length && x.every((item, i) => pyEquals(item, y[i]!));
  }
  if (a.type === 'ObjectValue' && b.type === 'ObjectValue') {
    const x = a.value as Map<string, RuntimeValue>;
    const y = b.value as Map<string, RuntimeValue>;
    return x.size === y.size && [...x].every(([k, v]) => y.has(k) && pyEquals(v, y.get(k)!));
  }
  return a.type === b.type && a.value === b.value;
}

class PythonInterpreter extends Interpreter {
  constructor(
    env: Environment,
    private readonly outputs: WeakSet<object>,
  ) {
    super(env);
  }

  override evaluate(node: Node | undefined, env: Environment): RuntimeValue {
    const value = this.evaluateNode(node as AnyNode, env);
    if (node && this.outputs.has(node)) return make(pyStr(value));
    return value;
  }

  private evaluateNode(node: AnyNode, env: Environment): RuntimeValue {
    switch (node?.type) {
      case 'Identifier': {
        const value = super.evaluate(node, env);
        if (value.type === 'UndefinedValue') throw new MissingTemplateVariable(node.value);
        return value;
      }
      case 'MemberExpression':
        return this.member(node, env);
      case 'TestExpression':
        return this.test(node, env);
      case 'FilterExpression':
        return this.filter(node, env);
      case 'BinaryExpression':
        return this.binary(node, env);
      default:
        return super.evaluate(node, env);
    }
  }

  private member(node: AnyNode, env: Environment): RuntimeValue {
    if (node.computed && node.property.type === 'SliceExpression') return super.evaluate(node, env);
    const object = this.evaluate(node.object, env);
    const property: RuntimeValue = node.computed ? this.evaluate(node.property, env) : make(node.property.value);
    const missing = () => new MissingTemplateVariable(describe(node));
    const key = property.value;
    switch (object.type) {
      case 'ObjectValue':
      case 'KeywordArgumentsValue':
      case 'NamespaceValue': {
        const found = (object.value as Map<string, RuntimeValue>).get(String(key));
        if (found) return found;
        const builtin = property.type === 'StringValue' ? object.builtins.get(key as string) : undefined;
        if (builtin) return builtin;
        throw missing();
      }
      case 'ArrayValue':
      case 'TupleValue':
      case 'StringValue': {
        if (property.type === 'IntegerValue') {
          const items =
            object.type === 'StringValue' ? Array.from(object.value as string) : (object.value as unknown[]);
          const index = (key as number) < 0 ? items.length + (key as number) : (key as number);
          if (index < 0 || index >= items.length) throw missing();
          return object.type === 'StringValue' ? make(items[index]) : (items[index] as RuntimeValue);
        }
        const method = addPythonMethods(object, String(key)) ?? object.builtins.get(String(key));
        if (method) return method;
        throw missing();
      }
      default: {
        const builtin = object.builtins.get(String(key));
        if (builtin) return builtin;
        throw missing();
      }
    }
  }

  /** `x is defined` must not raise on an undefined x, even with StrictUndefined. */
  private test(node: AnyNode, env: Environment): RuntimeValue {
    if (node.test.value !== 'defined' && node.test.value !== 'undefined') return super.evaluate(node, env);
    let defined = true;
    try {
      this.evaluate(node.operand, env);
    } catch (e) {
      if (!(e instanceof MissingTemplateVariable)) throw e;
      defined = false;
    }
    const result = node.test.value === 'defined' ? defined : !defined;
    return make(node.negate ? !result : result);
  }

  private filter(node: AnyNode, env: Environment): RuntimeValue {
    const call = node.filter.type === 'CallExpression';
    const name: string = call ? node.filter.callee.value : node.filter.value;
    const argNodes: AnyNode[] = call ? node.filter.args : [];
    const positional = () =>
      argNodes.filter((a) => a.type !== 'KeywordArgumentExpression').map((a) => this.evaluate(a, env));
    const keyword = (k: string) => {
      const arg = argNodes.find((a) => a.type === 'KeywordArgumentExpression' && a.key.value === k);
      return arg ? this.evaluate(arg.value, env) : undefined;
    };
    if (name === 'default' || name === 'd') {
      let operand: RuntimeValue | undefined;
      try {
        operand = this.evaluate(node.operand, env);
      } catch (e) {
        if (!(e instanceof MissingTemplateVariable)) throw e;
      }
      const [fallback, onFalsy] = positional();
      const useFallback =
        operand === undefined || operand.type === 'UndefinedValue' || (onFalsy?.value && !operand.__bool__().value);
      return useFallback ? (fallback ?? make('')) : operand!;
    }
    const operand = this.evaluate(node.operand, env);
    switch (name) {
      case 'regex_replace': {
        const [pattern, repl, count] = positional();
        const n = count ?? keyword('count');
        return make(pythonSub(pyStr(pattern!), pyStr(repl!), pyStr(operand), n ? Number(n.value) : 0));
      }
      case 'join': {
        const separator = positional()[0] ?? keyword('d');
        const items =
          operand.type === 'StringValue'
            ? Array.from(operand.value as string)
            : (operand.value as RuntimeValue[]).map(pyStr);
        return make(items.join(separator ? pyStr(separator) : ''));
      }
      case 'string':
        return make(pyStr(operand));
      case 'trim':
        return make(pythonStrip(pyStr(operand)));
      case 'length':
      case 'count':
        if (operand.type === 'StringValue') return make(Array.from(operand.value as string).length);
        return super.evaluate(node, env);
      default:
        return super.evaluate(node, env);
    }
  }

  private binary(node: AnyNode, env: Environment): RuntimeValue {
    const op: string = node.operator.value;
    if (op === '+') {
      // The port concatenates 1 + 'a' to "1a"; Jinja2 (Python) raises, so lm-eval never renders it.
      const [left, right] = [this.evaluate(node.left, env), this.evaluate(node.right, env)];
      if ((left.type === 'StringValue') !== (right.type === 'StringValue')) {
        throw new TemplateRuntimeError(`unsupported operand types for +: ${pyType(left)} and ${pyType(right)}`);
      }
      return left.type === 'StringValue' ? make(left.value + right.value) : super.evaluate(node, env);
    }
    if (!['~', '==', '!=', 'in', 'not in'].includes(op)) return super.evaluate(node, env);
    const left = this.evaluate(node.left, env);
    const right = this.evaluate(node.right, env);
    if (op === '~') return make(pyStr(left) + pyStr(right));
    if (op === '==' || op === '!=') return make(pyEquals(left, right) === (op === '=='));
    let member: boolean;
    if (right.type === 'ArrayValue' || right.type === 'TupleValue') {
      member = (right.value as RuntimeValue[]).some((item) => pyEquals(item, left));
    } else if (right.type === 'StringValue') member = (right.value as string).includes(pyStr(left));
    else if (right.type === 'ObjectValue') member = (right.value as Map<string, unknown>).has(String(left.value));
    else return super.evaluate(node, env);
    return make(member === (op === 'in'));
  }
}

const PYTHON_TYPES: Record<string, string> = {
  StringValue: 'str',
  IntegerValue: 'int',
  FloatValue: 'float',
  BooleanValue: 'bool',
  NullValue: 'NoneType',
  ArrayValue: 'list',
  TupleValue: 'tuple',
  ObjectValue: 'dict',
};

function pyType(value: RuntimeValue): string {
  return `'${PYTHON_TYPES[value.type] ?? value.type}'`;
}

function describe(node: AnyNode): string {
  if (node.type === 'Identifier') return node.value;
  if (node.type === 'MemberExpression') {
    const base = describe(node.object);
    if (!node.computed) return `${base}.${node.property.value}`;
    const p = node.property;
    if (p.type === 'IntegerLiteral') return `${base}[${p.value}]`;
    if (p.type === 'StringLiteral') return `${base}[${pythonStringRepr(p.value)}]`;
    return `${base}[...]`;
  }
  return '(expression)';
}
