import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.js';
import type { Db } from '../../../src/store/db.js';
import { openStore, type StoreOptions } from '../../../src/store/open.js';
import type { PgliteOrigin } from '../../../src/store/pglite-create.js';
import { sharedBuffersSetting } from '../../../src/store/pglite-options.js';
import { emptyDatabaseTemplate, templatePaths } from '../../../src/store/pglite-template.js';
import { checkArchive } from '../../../src/store/pglite-template-files.js';

const SLOW = 180_000;

/** Everything migrations define, and the database's encoding and locale. */
async function schemaOf(db: Db) {
  return {
    columns: await db.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
    ),
    indexes: await db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`),
    constraints: await db.query(
      `SELECT conrelid::regclass::text AS on_table, conname, pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' ORDER BY 1, 2`,
    ),
    functions: await db.query(
      `SELECT proname, pg_get_function_identity_arguments(p.oid) AS args
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1, 2`,
    ),
    migrations: await db.query('SELECT id FROM schema_migrations ORDER BY id'),
    database: await db.query(
      `SELECT pg_encoding_to_char(encoding) AS encoding, datcollate, datctype
         FROM pg_database WHERE datname = current_database()`,
    ),
  };
}

describe('the embedded store’s empty-database template', () => {
  const saved = { cache: process.env.ROLECALL_CACHE_DIR, template: process.env.ROLECALL_PGLITE_TEMPLATE };
  let cache: string;
  let work: string;
  let initdbSchema: Awaited<ReturnType<typeof schemaOf>>;

  /** Opens a store, saying how it came to be and what it logged. */
  async function open(options: StoreOptions) {
    const origins: PgliteOrigin[] = [];
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({
      level: 'warn',
      destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
    });
    const db = await openStore({ ...options, log, onEmbeddedOpened: (o) => origins.push(o) });
    return { db, origins, lines };
  }

  beforeAll(async () => {
    cache = mkdtempSync(join(tmpdir(), 'rolecall-template-cache-'));
    work = mkdtempSync(join(tmpdir(), 'rolecall-template-stores-'));
    process.env.ROLECALL_CACHE_DIR = cache;
    process.env.ROLECALL_PGLITE_TEMPLATE = 'off';
    const { db, origins, lines } = await open({ dataDir: join(work, 'initdb') });
    delete process.env.ROLECALL_PGLITE_TEMPLATE;
    expect(origins).toEqual(['initdb']);
    expect(lines).toEqual([]); // turned off on purpose: nothing to warn about
    initdbSchema = await schemaOf(db);
    await db.close();
  }, SLOW);

  afterAll(() => {
    for (const [key, value] of [
      ['ROLECALL_CACHE_DIR', saved.cache],
      ['ROLECALL_PGLITE_TEMPLATE', saved.template],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(cache, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it(
    'is made once per PGlite version, in a child process, as a data directory and its archive',
    async () => {
      const made = await emptyDatabaseTemplate();
      expect(made).toEqual(templatePaths(cache));
      if ('problem' in made) throw new Error(made.problem);
      expect(existsSync(join(made.dir, 'PG_VERSION'))).toBe(true);
      await expect(checkArchive(made.archive)).resolves.toBeUndefined();
      const madeAt = statSync(made.archive).mtimeMs;
      expect(await emptyDatabaseTemplate()).toEqual(made);
      expect(statSync(made.archive).mtimeMs).toBe(madeAt);
    },
    SLOW,
  );

  it(
    'gives a new store, on disk, in memory or on the calling thread, exactly the schema initdb gives',
    async () => {
      const stores = [
        await open({ dataDir: join(work, 'on-disk') }),
        await open({ memory: true }),
        await open({ dataDir: join(work, 'calling-thread'), embeddedOnCallingThread: true }),
      ];
      for (const { db, origins, lines } of stores) {
        expect(origins).toEqual(['template']);
        expect(lines).toEqual([]);
        expect(await schemaOf(db)).toEqual(initdbSchema);
        await db.close();
      }
      expect(initdbSchema.columns.length).toBeGreaterThan(20);
    },
    SLOW,
  );

  it(
    'reopens a store made from the template as it was left',
    async () => {
      const dir = join(work, 'reopened');
      const first = await open({ dataDir: dir });
      await first.db.query(
        `INSERT INTO people (site, account_id, display_name, account_type) VALUES ('s', 'a', 'Ada', 'atlassian')`,
      );
      await first.db.close();
      const again = await open({ dataDir: dir });
      expect(again.origins).toEqual(['existing']);
      expect(await again.db.query('SELECT display_name FROM people')).toEqual([{ display_name: 'Ada' }]);
      await again.db.close();
    },
    SLOW,
  );

  it(
    'falls back to initdb with a warning when the template is damaged, discards it and makes it again',
    async () => {
      const paths = templatePaths(cache);
      rmSync(join(paths.dir, 'global', 'pg_control'));
      const { db, origins, lines } = await open({ dataDir: join(work, 'damaged-dir') });
      expect(origins).toEqual(['initdb']);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 'warn', store: join(work, 'damaged-dir', 'pglite') });
      expect(String(lines[0]?.problem)).toContain(paths.dir);
      expect(existsSync(paths.dir)).toBe(false);
      expect(await schemaOf(db)).toEqual(initdbSchema);
      await db.close();

      // In memory the archive is used: a truncated one is caught before PGlite reads it.
      expect(await emptyDatabaseTemplate()).toEqual(paths);
      writeFileSync(paths.archive, 'not a gzip stream');
      const inMemory = await open({ memory: true });
      expect(inMemory.origins).toEqual(['initdb']);
      expect(inMemory.lines).toHaveLength(1);
      expect(String(inMemory.lines[0]?.problem)).toContain(paths.archive);
      expect(await schemaOf(inMemory.db)).toEqual(initdbSchema);
      await inMemory.db.close();
      expect(await emptyDatabaseTemplate()).toEqual(paths);
    },
    SLOW,
  );

  it(
    'falls back to initdb with a warning when no template can be made',
    async () => {
      const notAFolder = join(work, 'a-file');
      writeFileSync(notAFolder, '');
      process.env.ROLECALL_CACHE_DIR = join(notAFolder, 'cache');
      try {
        const { db, origins, lines } = await open({ memory: true });
        expect(origins).toEqual(['initdb']);
        expect(lines).toHaveLength(1);
        expect(String(lines[0]?.problem)).toMatch(/ENOTDIR/);
        expect(await schemaOf(db)).toEqual(initdbSchema);
        await db.close();
      } finally {
        process.env.ROLECALL_CACHE_DIR = cache;
      }
    },
    SLOW,
  );

  it('reads ROLECALL_PGLITE_SHARED_BUFFERS as PostgreSQL units, and refuses anything else', () => {
    expect(sharedBuffersSetting(undefined)).toBe('32MB');
    expect(sharedBuffersSetting(' 128MB ')).toBe('131072kB');
    expect(sharedBuffersSetting('1gb')).toBe('1048576kB');
    for (const bad of ['lots', '32', '512kB', '2GB', '-1MB']) {
      expect(() => sharedBuffersSetting(bad)).toThrow(/ROLECALL_PGLITE_SHARED_BUFFERS/);
    }
  });
});
