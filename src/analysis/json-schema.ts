import { z } from 'zod';
import { ANALYSIS_SCHEMA_VERSION, analysisResultSchema } from './schema.js';

/**
 * JSON Schema of the analysis result (docs/analysis-result.schema.json), generated from the zod schema so the two
 * never drift. Regenerate with `UPDATE_SCHEMAS=1 npx vitest run test/analysis/json-schema.test.ts` (then
 * `npx biome format --write docs/analysis-result.schema.json`).
 */
export function analysisResultJsonSchema(): Record<string, unknown> {
  return {
    $id: `https://rolecall.dev/schema/analysis-result-${ANALYSIS_SCHEMA_VERSION}.json`,
    title: 'rolecall analysis result',
    description:
      'Output of `rolecall analyze --format json` and of the API: person profiles, team verdicts and findings ' +
      '(docs/analysis.md). Optional fields may be added within a schemaVersion; nothing is renamed or removed.',
    ...z.toJSONSchema(analysisResultSchema, { io: 'output', unrepresentable: 'any' }),
  };
}

export function analysisResultJsonSchemaText(): string {
  return `${JSON.stringify(analysisResultJsonSchema(), null, 2)}\n`;
}
