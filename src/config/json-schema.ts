import { z } from 'zod';
import { rolecallConfigSchema } from './schema.js';

/** JSON Schema of rolecall.yaml, generated from the zod schema (for editors and CI validation). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://rolecall.dev/schema/rolecall.yaml.json',
    title: 'rolecall.yaml',
    ...z.toJSONSchema(rolecallConfigSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
