import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisResultJsonSchemaText } from '../../src/analysis/json-schema.js';

const FILE = join(import.meta.dirname, '..', '..', 'docs', 'analysis-result.schema.json');

describe('docs/analysis-result.schema.json', () => {
  // Compared as data, so the committed file keeps biome's formatting (`npx biome format --write` after updating).
  it('is generated from the zod schema and up to date', () => {
    const text = analysisResultJsonSchemaText();
    if (process.env.UPDATE_SCHEMAS) writeFileSync(FILE, text);
    expect(
      JSON.parse(readFileSync(FILE, 'utf8')),
      'run UPDATE_SCHEMAS=1 npx vitest run test/analysis/json-schema.test.ts, then npx biome format --write docs/',
    ).toEqual(JSON.parse(text));
  });

  it('describes the contract version and the top-level fields', () => {
    const schema = JSON.parse(analysisResultJsonSchemaText()) as {
      properties: Record<string, { const?: string }>;
      required: string[];
    };
    expect(schema.properties.schemaVersion?.const).toBe('1.0');
    expect(schema.required).toEqual(expect.arrayContaining(['teams', 'people', 'findings', 'headline', 'previous']));
  });
});
