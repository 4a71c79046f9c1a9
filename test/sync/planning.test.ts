import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound, strategyCosts } from '../../bench/support/lower-bound.js';
import { extractBatch, finalBatches, totalWeight } from '../../src/sync/changelog-batches.js';
import { SerialWriter, TaskPool } from '../../src/sync/pool.js';

const pages = (batches: { weight: number }[][]) => batches.reduce((n, b) => n + Math.ceil(totalWeight(b) / 1000), 0);

describe('changelog batch packing', () => {
  it('cuts a batch to just under the capacity, largest first', () => {
    const pending = [300, 700, 250, 600, 150].map((weight) => ({ weight }));
    const batch = extractBatch(pending, 1000);
    expect(totalWeight(batch)).toBe(1000);
    expect(totalWeight(pending)).toBe(1000);
  });

  it('sends an issue bigger than the capacity alone, topped up to its page boundary', () => {
    const pending = [{ weight: 2500 }, { weight: 400 }, { weight: 200 }];
    const batch = extractBatch(pending, 1000);
    expect(totalWeight(batch)).toBe(2900);
  });

  it('never costs more than one page per parallel chain over the perfect packing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 41, max: 600 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        (ws, parts) => {
          const pending = ws.map((weight) => ({ weight }));
          const total = totalWeight(pending);
          const batches = finalBatches(pending, parts);
          expect(pending).toHaveLength(0);
          expect(batches.flat()).toHaveLength(ws.length);
          expect(pages(batches)).toBeLessThanOrEqual(Math.ceil(total / 1000) + Math.max(0, batches.length - 1));
        },
      ),
    );
  });
});

describe('lower bound', () => {
  it('prices the three strategies and takes the cheapest per project', () => {
    const shape = { historiesPerIssue: [...Array(950).fill(10), ...Array(50).fill(300)] };
    const costs = Object.fromEntries(strategyCosts(shape).map((c) => [c.strategy, c.requests]));
    // expand: 10 search pages + 15 000 histories of 50 truncated issues; hydrate: 1 id page + 10 + 15.
    expect(costs).toEqual({ expand: 25, hydrate: 26, bulk: 10 + 25 });
    const lb = lowerBound([shape, shape], { requestsPerSecond: 20, latencyMs: 50 });
    expect(lb.requests).toBe(50);
    expect(lb.wallMs).toBe(Math.round((49 * 1000) / 20 + 50));
  });
});

describe('pipeline primitives', () => {
  it('TaskPool bounds concurrency and fails fast', async () => {
    const pool = new TaskPool(2);
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 6; i++) {
      pool.submit(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      });
    }
    await pool.drain();
    expect(peak).toBe(2);

    const failing = new TaskPool(2);
    const waiting = failing.run(async () => new Promise((r) => setTimeout(r, 50)));
    failing.submit(async () => {
      throw new Error('boom');
    });
    await expect(failing.drain()).rejects.toThrow('boom');
    // A task still waiting when another fails is rejected with that failure, not left hanging.
    await expect(waiting).rejects.toThrow('boom');
  });

  it('SerialWriter keeps order, bounds the queue and reports the first failure', async () => {
    const w = new SerialWriter(1);
    const order: number[] = [];
    await w.enqueue(async () => {
      await new Promise((r) => setTimeout(r, 5));
      order.push(1);
    });
    await w.enqueue(async () => {
      order.push(2);
    });
    await w.flush();
    expect(order).toEqual([1, 2]);
    await w.enqueue(async () => {
      throw new Error('disk full');
    });
    await expect(w.flush()).rejects.toThrow('disk full');
    await expect(w.enqueue(async () => {})).rejects.toThrow('disk full');
  });
});
