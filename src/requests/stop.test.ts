import { describe, expect, it } from 'vitest';
import { cutAtFirstStop } from './stop.ts';

const THINK = { open: '<think>', close: '</think>' };

describe('cutAtFirstStop', () => {
  it('cuts at the earliest stop string, as lm-eval does', () => {
    expect(cutAtFirstStop('a. b\n\nc', ['\n\n', '.'])).toEqual({ text: 'a', stopped: true });
    expect(cutAtFirstStop('abc', ['', 'x'])).toEqual({ text: 'abc', stopped: false });
  });

  it('ignores stop strings inside reasoning blocks', () => {
    expect(cutAtFirstStop('<think>step 1\nstep 2</think> 42\nmore', ['\n'], THINK)).toEqual({
      text: '<think>step 1\nstep 2</think> 42',
      stopped: true,
    });
    // Still thinking: nothing stops it yet.
    expect(cutAtFirstStop('<think>step 1\nstep', ['\n'], THINK)).toEqual({
      text: '<think>step 1\nstep',
      stopped: false,
    });
    // The open tag was part of the prompt.
    expect(cutAtFirstStop('a\nb</think>7\n', ['\n'], THINK)).toEqual({ text: 'a\nb</think>7', stopped: true });
    // Without tags the reasoning's newline stops it, as before.
    expect(cutAtFirstStop('<think>a\nb</think>7', ['\n'])).toEqual({ text: '<think>a', stopped: true });
  });
});
