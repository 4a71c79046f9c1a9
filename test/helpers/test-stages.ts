import { setTimeout as sleep } from 'node:timers/promises';
import { createTransport } from 'nodemailer';
import type { Activity } from '../../src/domain/activity.js';
import type { RequestGate } from '../../src/jira/request-gate.js';
import type { Stages } from '../../src/jobs/ports.js';
import { upsertActivities } from '../../src/store/activities.js';
import type { Db } from '../../src/store/db.js';

/**
 * Stages for queue tests, doing real I/O the way the production stages do: sync pages the Jira stub (jira-stub.ts)
 * over HTTP through the fleet gate and upserts deterministic facts after every page; analyze/render store rows;
 * deliver claims a deliveries row before sending over real SMTP, so a retry or duplicate never sends twice.
 */
export function testStages(opts: {
  db: Db;
  gate: RequestGate;
  jiraUrl: string;
  smtpUrl?: string;
  /** Extra time per page, to make a sync last long enough to interrupt. */
  pageDelayMs?: number;
}): Stages {
  const mailer = opts.smtpUrl ? createTransport(opts.smtpUrl) : undefined;

  async function get(
    site: string,
    path: string,
    signal: AbortSignal,
  ): Promise<{ issues: { key: string }[]; isLast: boolean }> {
    await opts.gate.acquire(site, signal);
    const res = await fetch(`${opts.jiraUrl}${path}`, { signal });
    if (!res.ok) throw Object.assign(new Error(`jira ${res.status}`), { status: res.status });
    return (await res.json()) as { issues: { key: string }[]; isLast: boolean };
  }

  return {
    async sync({ site, project, signal, onProgress }) {
      let facts = 0;
      let issues = 0;
      let requests = 0;
      for (let page = 0; ; page++) {
        const body = await get(site, `/rest/api/3/search?project=${project}&page=${page}`, signal);
        requests++;
        const batch: Activity[] = body.issues.map((i, n) => ({
          id: `${site}:${i.key.replace(/\D/g, '') || '0'}:${i.key}:created`,
          site,
          project,
          issueKey: i.key,
          issueId: i.key.replace(/\D/g, '') || '0',
          issueType: 'Story',
          hierarchyLevel: 0,
          projectType: 'software',
          actorId: `u${n % 3}`,
          actorName: `User ${n % 3}`,
          actorType: 'atlassian',
          at: new Date(Date.UTC(2026, 9, 1) + page * 3_600_000 + n * 60_000).toISOString(),
          kind: 'issue.created',
          detail: {},
        }));
        facts += await upsertActivities(opts.db, batch);
        issues += body.issues.length;
        onProgress?.(Math.min(99, page * 10));
        if (opts.pageDelayMs) await sleep(opts.pageDelayMs, undefined, { signal });
        if (body.isLast) return { facts, issues, requests };
      }
    },
    async analyze({ site, projects, teams, asOf, notes }) {
      const project = projects?.length === 1 ? projects[0] : undefined;
      const scope = project ?? teams?.join('|') ?? 'org';
      const id = `an-${scope}-${asOf.toISOString().replace(/[^0-9]/g, '')}`;
      const [row] = await opts.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM activities WHERE site = $1 AND ($2::text IS NULL OR project = $2)',
        [site, project ?? null],
      );
      await opts.db.query(
        `INSERT INTO analysis_snapshots (id, site, scope, window_days, as_of, result) VALUES ($1, $2, $3, 90, $4, $5)
         ON CONFLICT (id) DO UPDATE SET result = EXCLUDED.result`,
        [id, site, scope, asOf.toISOString(), JSON.stringify({ facts: row?.n ?? 0, notes })],
      );
      return { analysisId: id };
    },
    async render({ analysisId, report }) {
      const id = `rep-${report.name}-${report.period}`;
      const html = `<!doctype html><html><body><h1>${report.title ?? report.name}</h1><p>${analysisId}</p></body></html>`;
      await opts.db.query(
        `INSERT INTO reports (id, name, period, analysis_id, artifacts) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET artifacts = EXCLUDED.artifacts`,
        [id, report.name, report.period, analysisId, JSON.stringify({ html })],
      );
      return { reportId: id };
    },
    async deliver({ reportId, report, recipients }) {
      if (!mailer) throw new Error('no SMTP configured');
      let sent = 0;
      let skipped = 0;
      for (const to of recipients) {
        const key = `${report.name}|${report.period}|${to}`;
        const claimed = await opts.db.query(
          `INSERT INTO deliveries (idempotency_key, report, period, recipient, status) VALUES ($1, $2, $3, $4, 'sending')
           ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1`,
          [key, report.name, report.period, to],
        );
        if (claimed.length === 0) {
          skipped++;
          continue;
        }
        await mailer.sendMail({
          from: 'rolecall@localhost',
          to,
          subject: `${report.name} ${report.period}`,
          text: reportId,
        });
        await opts.db.query(`UPDATE deliveries SET status = 'sent', sent_at = now() WHERE idempotency_key = $1`, [key]);
        sent++;
      }
      return { sent, skipped, failed: 0 };
    },
  };
}
