import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Env, envSchema } from './env.js';
import { ConfigError, type ConfigProblem, problemsFromZod } from './issues.js';
import { type RolecallConfig, rolecallConfigSchema } from './schema.js';
import { parseYaml, readYamlFile } from './yaml-file.js';

export interface LoadedConfig {
  config: RolecallConfig;
  env: Env;
  /** The file the config came from; undefined when running on defaults. */
  configPath?: string;
}

/** Finds rolecall.yaml: ROLECALL_CONFIG, else ./rolecall.yaml when present. */
export function resolveConfigPath(rawEnv: NodeJS.ProcessEnv, explicit?: string): string | undefined {
  const named = explicit ?? rawEnv.ROLECALL_CONFIG;
  if (named) return resolve(named);
  const local = resolve('rolecall.yaml');
  return existsSync(local) ? local : undefined;
}

export function parseConfigText(text: string, source: string): { config?: RolecallConfig; problems: ConfigProblem[] } {
  const yaml = parseYaml(text, source);
  if (yaml.problems.length > 0) return { problems: yaml.problems };
  const parsed = rolecallConfigSchema.safeParse(yaml.value);
  if (!parsed.success) return { problems: problemsFromZod(parsed.error, source) };
  return { config: parsed.data, problems: [] };
}

/**
 * Loads and validates rolecall.yaml and the environment together, collecting every problem before failing,
 * so `rolecall config check` can list them all at once.
 */
export function loadConfig(options: { env?: NodeJS.ProcessEnv; configPath?: string } = {}): LoadedConfig {
  // An empty variable (`FOO=`) means unset, as in most tools.
  const rawEnv = Object.fromEntries(Object.entries(options.env ?? process.env).filter(([, v]) => v !== ''));
  const problems: ConfigProblem[] = [];

  const envResult = envSchema.safeParse(rawEnv);
  if (!envResult.success) problems.push(...problemsFromZod(envResult.error, 'env'));

  const configPath = resolveConfigPath(rawEnv, options.configPath);
  let config: RolecallConfig | undefined;
  if (configPath) {
    if (!existsSync(configPath)) {
      problems.push({ path: configPath, message: 'file not found', hint: 'check ROLECALL_CONFIG or --config' });
    } else {
      const file = readYamlFile(configPath, 'check that ROLECALL_CONFIG or --config names your rolecall.yaml');
      problems.push(...file.problems);
      if (file.text !== undefined) {
        const result = parseConfigText(file.text, configPath);
        problems.push(...result.problems);
        config = result.config;
      }
    }
  } else {
    config = rolecallConfigSchema.parse({});
  }

  if (problems.length > 0 || !config || !envResult.success) throw new ConfigError(problems);
  return { config, env: envResult.data, ...(configPath ? { configPath } : {}) };
}
