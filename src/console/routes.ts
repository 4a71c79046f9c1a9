import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { analysisRequestSchema } from '../api/analysis-request.js';
import type { OnDemandRuns } from '../api/on-demand-runs.js';
import type { RolecallConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import {
  latestTeamVerdicts,
  recentRuns,
  reportArchive,
  syncedProjects,
  teamVerdictHistory,
} from '../store/console-history.js';
import type { Db } from '../store/db.js';
import { type DeliveryStatus, listDeliveries, releaseUncertain } from '../store/deliveries.js';
import { knownTeamNames } from '../store/teams.js';
import { type ArchiveQuery, archiveFilter, archiveView } from './archive-view.js';
import { parseCookies } from './cookies.js';
import { DELIVERY_STATUSES, deliveriesView } from './deliveries-view.js';
import { analyseView, runPageView, runStatus } from './run-views.js';
import { type ConsoleAuth, type ConsoleSession, sameToken } from './sessions.js';
import { overviewView, parseRecords, teamView } from './team-views.js';
import { consoleCss, type NavItem, type PageName, progressScript, renderPage } from './views.js';

export const CONSOLE_PREFIX = '/console';

/** Pages load our stylesheet and the one script from this origin; nothing inline, nothing elsewhere. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface ConsoleDeps {
  auth: ConsoleAuth;
  db: Db;
  config: RolecallConfig;
  site: string;
  onDemand: OnDemandRuns;
  /** The analysis request schema, with the teams the store knows now. */
  bodySchema: () => Promise<ReturnType<typeof analysisRequestSchema>>;
  /** The queue board, linked for admins. */
  boardPath: string;
  log?: Logger | undefined;
}

type Form = Record<string, string | undefined>;
const REPORT_LIMIT = 100;
const RUN_ID = /^a-[0-9a-f-]{36}$/;

/** Where a sign-in may lead: our own pages only (never another host, `//evil` or `/\evil`). */
export function safeNext(next: string | undefined): string {
  if (!next || !/^\/(console(\/|$)|reports\/|admin\/queues)/.test(next) || /[\\\s]/.test(next)) return '/console/';
  return next;
}

/**
 * The web console (issue 15): sign-in, overview, team pages, report archive, "Analyse now" with live progress,
 * deliveries. Server-rendered; every form carries the session's CSRF token; viewers read, admins also act.
 */
export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const { auth, config, db, site } = deps;
  const tz = config.analysis.timezone;

  function nav(session: ConsoleSession, current: string): NavItem[] {
    const items = [
      { href: '/console/', label: 'Overview' },
      { href: '/console/reports', label: 'Reports' },
      ...(session.role === 'admin'
        ? [
            { href: '/console/analyse', label: 'Analyse now' },
            { href: '/console/deliveries', label: 'Deliveries' },
            { href: deps.boardPath, label: 'Queues' },
          ]
        : []),
    ];
    return items.map((i) => ({ ...i, current: i.href === current }));
  }

  function page(
    reply: FastifyReply,
    name: PageName,
    o: { title: string; session?: ConsoleSession | undefined; current?: string; script?: boolean },
    view: object,
  ) {
    const user = o.session ? { name: o.session.userName, role: o.session.role, csrf: o.session.csrfToken } : undefined;
    return reply.type('text/html; charset=utf-8').send(
      renderPage(
        name,
        {
          title: o.title,
          ...(user ? { user } : {}),
          nav: o.session ? nav(o.session, o.current ?? '') : [],
          script: o.script ?? false,
        },
        view,
      ),
    );
  }

  function message(
    reply: FastifyReply,
    status: number,
    session: ConsoleSession | undefined,
    heading: string,
    text: string,
    back?: { href: string; label: string },
  ) {
    return page(
      reply.code(status),
      'message',
      { title: heading, session },
      {
        heading,
        message: text,
        tone: status >= 500 || status === 403 ? 'bad' : 'warn',
        back: back ?? null,
      },
    );
  }

  async function admin(req: FastifyRequest, reply: FastifyReply): Promise<ConsoleSession | undefined> {
    const session = await auth.sessionOf(req);
    if (session?.role === 'admin') return session;
    message(reply, 403, session, 'Admins only', 'This page is for console admins; your role is viewer.', {
      href: '/console/',
      label: 'Back to the overview',
    });
    return undefined;
  }

  async function teamNames(): Promise<string[]> {
    const names = new Set([...config.teams.map((t) => t.name), ...(await knownTeamNames(db, site))]);
    for (const r of await latestTeamVerdicts(db, site)) names.add(r.team);
    return [...names].sort((a, b) => a.localeCompare(b));
  }

  await app.register(
    async (c) => {
      c.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 16 * 1024 },
        (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
      );

      c.addHook('onRequest', async (req, reply) => {
        reply.header('content-security-policy', CONSOLE_CSP);
        const path = req.url.split('?')[0] ?? '';
        if (path === '/console/login' || path.startsWith('/console/assets/')) return;
        if (await auth.sessionOf(req)) return;
        if (req.method === 'GET' || req.method === 'HEAD')
          return reply.redirect(`/console/login?next=${encodeURIComponent(req.url)}`, 303);
        return message(reply, 401, undefined, 'Signed out', 'Your session has ended: sign in and try again.', {
          href: '/console/login',
          label: 'Sign in',
        });
      });

      // Every form but the sign-in one (checked on its own) must carry this session's token.
      c.addHook('preHandler', async (req, reply) => {
        if (req.method !== 'POST') return;
        const session = await auth.sessionOf(req);
        if (req.headers['sec-fetch-site'] === 'cross-site')
          return message(reply, 403, session, 'Refused', 'This form was sent from another site.');
        if ((req.url.split('?')[0] ?? '') === '/console/login') return;
        const token = (req.body as Form | undefined)?._csrf;
        if (!session || !sameToken(session.csrfToken, token))
          return message(
            reply,
            403,
            session,
            'Form expired',
            'This form did not come from your current session (missing or stale CSRF token): reload the page and try again.',
            { href: '/console/', label: 'Back to the overview' },
          );
      });

      c.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
        const session = await auth.sessionOf(req).catch(() => undefined);
        if (err.statusCode === 429) {
          const wait = Number(reply.getHeader('retry-after')) || 60;
          return message(reply, 429, session, 'Too many requests', `Too many attempts: try again in ${wait} seconds.`);
        }
        if (err.statusCode && err.statusCode < 500)
          return message(reply, err.statusCode, session, 'Bad request', err.message);
        deps.log?.error({ err }, 'console request failed');
        return message(reply, 500, session, 'Something went wrong', 'The server failed; its log says why.');
      });

      c.setNotFoundHandler(async (req, reply) =>
        message(reply, 404, await auth.sessionOf(req), 'Not found', 'There is no such page in the console.', {
          href: '/console/',
          label: 'Back to the overview',
        }),
      );

      c.get('/assets/console.css', async (_req, reply) =>
        reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(consoleCss()),
      );
      c.get('/assets/progress.js', async (_req, reply) =>
        reply
          .type('text/javascript; charset=utf-8')
          .header('cache-control', 'public, max-age=3600')
          .send(progressScript()),
      );

      // ---- sign-in ----
      const signInLimit = {
        rateLimit: {
          max: config.console.signInsPerMinute,
          timeWindow: 60_000,
          keyGenerator: (req: FastifyRequest) => `console-signin:${req.ip}`,
        },
      };
      c.get<{ Querystring: { next?: string } }>('/login', async (req, reply) => {
        const next = safeNext(req.query.next);
        if (await auth.sessionOf(req)) return reply.redirect(next, 303);
        const csrf = auth.issueLoginToken(req, reply);
        return page(reply, 'login', { title: 'Sign in' }, { csrf, next, username: '', error: null });
      });
      c.post('/login', { config: signInLimit }, async (req, reply) => {
        const form = (req.body ?? {}) as Form;
        const next = safeNext(form.next);
        const username = (form.username ?? '').trim().slice(0, 200);
        const again = (status: number, error: string) => {
          const csrf = auth.issueLoginToken(req, reply);
          return page(reply.code(status), 'login', { title: 'Sign in' }, { csrf, next, username, error });
        };
        if (!auth.loginTokenMatches(req, form._csrf))
          return again(403, 'The sign-in form expired or did not come from this page: please sign in again.');
        const role = await auth.checkPassword(username, form.password ?? '');
        if (!role) {
          deps.log?.info({ user: username.slice(0, 80), ip: req.ip }, 'console sign-in refused');
          return again(401, 'The user name or the password is wrong.');
        }
        await auth.start(reply, username, role);
        deps.log?.info({ user: username, role }, 'console sign-in');
        return reply.redirect(next, 303);
      });
      c.post('/logout', async (req, reply) => {
        await auth.end(req, reply);
        return reply.redirect('/console/login', 303);
      });

      // ---- reading ----
      c.get('/', async (req, reply) => {
        const session = await auth.sessionOf(req);
        const records = parseRecords(await latestTeamVerdicts(db, site));
        return page(
          reply,
          'overview',
          { title: 'Overview', session, current: '/console/' },
          overviewView(records, tz, session?.role === 'admin'),
        );
      });

      c.get<{ Params: { name: string } }>('/teams/:name', async (req, reply) => {
        const session = await auth.sessionOf(req);
        const name = req.params.name;
        const history = parseRecords(await teamVerdictHistory(db, site, name));
        if (history.length === 0 && !config.teams.some((t) => t.name === name))
          return message(reply, 404, session, 'No such team', `No configured or analysed team is called "${name}".`, {
            href: '/console/',
            label: 'Back to the overview',
          });
        return page(
          reply,
          'team',
          { title: name, session, current: '' },
          teamView(name, history, tz, session?.role === 'admin'),
        );
      });

      c.get<{ Querystring: ArchiveQuery }>('/reports', async (req, reply) => {
        const session = await auth.sessionOf(req);
        const q: ArchiveQuery = {
          ...(req.query.team ? { team: String(req.query.team) } : {}),
          ...(req.query.from ? { from: String(req.query.from) } : {}),
          ...(req.query.to ? { to: String(req.query.to) } : {}),
        };
        const filter = archiveFilter(q);
        const reports = filter.error ? [] : await reportArchive(db, { ...filter, limit: REPORT_LIMIT });
        return page(
          reply.code(filter.error ? 400 : 200),
          'archive',
          { title: 'Reports', session, current: '/console/reports' },
          archiveView(reports, q, await teamNames(), tz, REPORT_LIMIT, filter.error),
        );
      });

      // ---- admins ----
      async function analysePage(
        reply: FastifyReply,
        session: ConsoleSession,
        status: number,
        extra: { selected?: { target?: string; window?: string }; error?: string } = {},
      ) {
        return page(
          reply.code(status),
          'analyse',
          { title: 'Analyse now', session, current: '/console/analyse' },
          analyseView({
            teams: [...new Set([...config.teams.map((t) => t.name), ...(await knownTeamNames(db, site))])],
            projects: [
              ...new Set([...config.teams.flatMap((t) => t.projects), ...(await syncedProjects(db, site))]),
            ].sort(),
            csrf: session.csrfToken,
            maxRunsInFlight: config.api.maxRunsInFlight,
            runs: await recentRuns(db, 10),
            timezone: tz,
            defaultWindow: config.analysis.window,
            ...extra,
          }),
        );
      }

      c.get('/analyse', async (req, reply) => {
        const session = await admin(req, reply);
        if (session) return analysePage(reply, session, 200);
      });

      const analyseLimit = {
        rateLimit: {
          max: config.api.requestsPerMinute,
          timeWindow: 60_000,
          // Per session, named by a hash: the cookie's secret never becomes a Redis key.
          keyGenerator: (req: FastifyRequest) =>
            `console-analyse:${createHash('sha256')
              .update(parseCookies(req.headers.cookie).get(auth.sessionCookie) ?? req.ip)
              .digest('hex')
              .slice(0, 32)}`,
        },
      };
      c.post('/analyse', { config: analyseLimit }, async (req, reply) => {
        const session = await admin(req, reply);
        if (!session) return;
        const form = (req.body ?? {}) as Form;
        const target = form.target ?? '';
        const selected = { target, ...(form.window ? { window: form.window } : {}) };
        const [kind, ...rest] = target.split(':');
        const value = rest.join(':');
        const parsed = (await deps.bodySchema()).safeParse({
          ...(kind === 'team' ? { team: value } : kind === 'project' ? { project: value } : {}),
          ...(form.window ? { window: form.window } : {}),
          formats: ['html', 'json', 'csv'],
        });
        if (!parsed.success) {
          const why = parsed.error.issues.map((i) => i.message).join('; ');
          return analysePage(reply, session, 400, { selected, error: `Cannot start this analysis: ${why}.` });
        }
        const started = await deps.onDemand.start(parsed.data);
        if (started.outcome === 'full')
          return analysePage(reply.header('retry-after', '30'), session, 429, { selected, error: started.message });
        if (started.outcome === 'unavailable')
          return analysePage(reply, session, 503, {
            selected,
            error: 'The job queue is unavailable right now; try again shortly.',
          });
        deps.log?.info({ user: session.userName, run: started.id }, 'console analysis started');
        return reply.redirect(`/console/runs/${started.id}${started.joinedState ? '?joined=1' : ''}`, 303);
      });

      c.get<{ Params: { id: string }; Querystring: { joined?: string } }>('/runs/:id', async (req, reply) => {
        const session = await admin(req, reply);
        if (!session) return;
        const view = RUN_ID.test(req.params.id)
          ? await runPageView(deps.onDemand, req.params.id, tz, req.query.joined === '1')
          : undefined;
        if (!view)
          return message(reply, 404, session, 'No such analysis', 'There is no on-demand analysis with this id.');
        return page(
          reply,
          'run',
          { title: `Analysis of ${view.covers}`, session, current: '/console/analyse', script: true },
          view,
        );
      });

      c.get<{ Params: { id: string } }>('/runs/:id/status', async (req, reply) => {
        const session = await auth.sessionOf(req);
        if (session?.role !== 'admin') return reply.code(403).send({ error: 'forbidden' });
        const run = RUN_ID.test(req.params.id) ? await deps.onDemand.view(req.params.id) : undefined;
        if (!run) return reply.code(404).send({ error: 'not_found' });
        return reply.send(runStatus(run));
      });

      c.get<{ Querystring: { status?: string; released?: string } }>('/deliveries', async (req, reply) => {
        const session = await admin(req, reply);
        if (!session) return;
        const status = DELIVERY_STATUSES.find((s) => s === req.query.status) as DeliveryStatus | undefined;
        const released = Number(req.query.released);
        return page(
          reply,
          'deliveries',
          { title: 'Deliveries', session, current: '/console/deliveries' },
          deliveriesView({
            all: await listDeliveries(db, status ? { status } : {}),
            uncertain: await listDeliveries(db, { status: 'uncertain' }),
            status,
            csrf: session.csrfToken,
            timezone: tz,
            ...(Number.isInteger(released) && req.query.released !== undefined
              ? {
                  notice:
                    released > 0
                      ? 'Released: the next send of that report and period delivers it again.'
                      : 'Nothing to release: that delivery is no longer uncertain.',
                }
              : {}),
          }),
        );
      });

      c.post('/deliveries/release', async (req, reply) => {
        const session = await admin(req, reply);
        if (!session) return;
        const key = ((req.body ?? {}) as Form).key ?? '';
        const released = key ? await releaseUncertain(db, [key]) : [];
        deps.log?.info({ user: session.userName, key, released: released.length }, 'console released a delivery');
        return reply.redirect(`/console/deliveries?released=${released.length}`, 303);
      });
    },
    { prefix: CONSOLE_PREFIX },
  );
}
