import { describe, expect, it } from 'vitest';
import { generateScenario } from '../../src/simulator/index.js';

describe('scale scenario', () => {
  it('generates 100k issues', { timeout: 180_000 }, () => {
    const started = Date.now();
    const s = generateScenario({ name: 'scale', issues: 100_000 });
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`scale: ${s.issues.length} issues generated in ${seconds.toFixed(1)} s\n`);
    expect(s.issues.length).toBeGreaterThan(90_000);
    expect(s.groundTruth.expectedCounts.byKind['issue.created']).toBeGreaterThan(90_000);
  });
});
