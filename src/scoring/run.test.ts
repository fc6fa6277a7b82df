import { describe, expect, it } from 'vitest';
import { ScoringQueue } from './run.ts';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('ScoringQueue', () => {
  it('never runs more than its concurrency at once, and runs every job', async () => {
    const queue = new ScoringQueue(3);
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    for (let i = 0; i < 20; i++) {
      queue.add(async () => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        done.push(i);
      });
    }
    await queue.drain();
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('waits for jobs queued while it drains', async () => {
    const queue = new ScoringQueue(2);
    const done: string[] = [];
    queue.add(async () => {
      await tick();
      queue.add(async () => {
        await tick();
        done.push('late');
      });
      done.push('first');
    });
    await queue.drain();
    expect(done).toEqual(['first', 'late']);
  });

  it('surfaces a failed job from drain, after the others finish', async () => {
    const queue = new ScoringQueue(4);
    let finished = 0;
    queue.add(async () => {
      throw new Error('sandbox crashed');
    });
    for (let i = 0; i < 5; i++)
      queue.add(async () => {
        await tick();
        finished++;
      });
    await expect(queue.drain()).rejects.toThrow('sandbox crashed');
    expect(finished).toBe(5);
  });

  it('refuses a concurrency below one', () => {
    expect(() => new ScoringQueue(0)).toThrow(RangeError);
  });
});
