import * as jinja from '@huggingface/jinja';
// import cycle: type only, erased at run time; RuntimeValue is declared beside the interpreter that uses it.
import type { RuntimeValue } from './jinja.ts';

const Environment = jinja.Environment as unknown as new () => { set(name: string, value: unknown): RuntimeValue };

/** The port's own conversion (lists, dicts, functions); it builds a whole Environment per call. */
const convert = (value: unknown): RuntimeValue => new Environment().set('v', value);
type ValueClass = new (value: unknown) => RuntimeValue;
const classOf = (sample: unknown) => convert(sample).constructor as ValueClass;
const [StringValue, IntegerValue, FloatValue, BooleanValue, NullValue, UndefinedValue] = [
  '',
  1,
  1.5,
  true,
  null,
  undefined,
].map(classOf) as [ValueClass, ValueClass, ValueClass, ValueClass, ValueClass, ValueClass];

/**
 * Python value → runtime value, as the port's convertToRuntimeValues does. Scalars (nearly every
 * call: each printed `{{ x }}` and each doc field) skip the Environment `convert` allocates.
 */
export function toRuntimeValue(value: unknown): RuntimeValue {
  switch (typeof value) {
    case 'string':
      return new StringValue(value);
    case 'number':
      return Number.isInteger(value) ? new IntegerValue(value) : new FloatValue(value);
    case 'boolean':
      return new BooleanValue(value);
    case 'undefined':
      return new UndefinedValue(undefined);
    default:
      return value === null ? new NullValue(undefined) : convert(value);
  }
}
