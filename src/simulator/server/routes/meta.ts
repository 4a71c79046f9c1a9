import type { SimProject, SimVersion } from '../../scenario/types.js';
import { jiraTime } from '../../time.js';
import type { RequestContext, Route } from '../context.js';
import { JiraHttpError, notFound } from '../errors.js';
import { intParam, pageBean } from '../paging.js';
import { parseList } from '../serialize.js';

const BOTH = ['cloud', 'datacenter'] as const;

function serverInfo(ctx: RequestContext) {
  const { state } = ctx;
  const cloud = state.flavour === 'cloud';
  return {
    body: {
      baseUrl: state.baseUrl,
      displayUrl: state.baseUrl,
      version: cloud ? '1001.0.0-SNAPSHOT' : '9.12.15',
      versionNumbers: cloud ? [1001, 0, 0] : [9, 12, 15],
      deploymentType: cloud ? 'Cloud' : 'Server',
      buildNumber: cloud ? 100_287 : 9_120_015,
      buildDate: '2026-10-01T00:00:00.000+0000',
      serverTime: jiraTime(state.clockMs()),
      scmInfo: 'a1b2c3d4e5f6',
      serverTitle: 'Jira',
      defaultLocale: { locale: state.serializer.locale() },
      serverTimeZone: 'Etc/UTC',
    },
  };
}

function myself(ctx: RequestContext) {
  const { state } = ctx;
  const user = { ...state.apiUser, timeZone: state.scenario.userTimeZone };
  return {
    body: {
      ...state.serializer.fullUser(user, ctx.version),
      groups: { size: 1, items: [] },
      applicationRoles: { size: 1, items: [] },
      expand: 'groups,applicationRoles',
    },
  };
}

function projectSummary(ctx: RequestContext, p: SimProject, expand: string[]): Record<string, unknown> {
  const self = `${ctx.state.baseUrl}/rest/api/${ctx.version}/project/${p.id}`;
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self,
    id: p.id,
    key: p.key,
    name: p.name,
    avatarUrls: {
      '48x48': `${ctx.state.baseUrl}/rest/api/${ctx.version}/universal_avatar/view/type/project/avatar/10400`,
    },
    projectTypeKey: p.projectTypeKey,
    simplified: p.simplified,
    style: p.style,
    isPrivate: p.isPrivate,
    properties: {},
    ...(expand.includes('lead') ? { lead: ctx.state.serializer.user(p.lead) } : {}),
  };
}

function requireProject(ctx: RequestContext): SimProject {
  const key = ctx.params.projectIdOrKey ?? '';
  const project = ctx.state.store.project(key);
  // Jira answers 404 alike for projects that do not exist and projects the user cannot browse.
  if (!project) throw notFound(`No project could be found with key '${key}'.`);
  return project;
}

function versionJson(ctx: RequestContext, v: SimVersion): Record<string, unknown> {
  return { ...v, self: `${ctx.state.baseUrl}/rest/api/${ctx.version}/version/${v.id}` };
}

function projectVersions(ctx: RequestContext, project: SimProject): SimVersion[] {
  return ctx.state.scenario.versions.filter((v) => String(v.projectId) === project.id);
}

export const metaRoutes: Route[] = [
  { method: 'GET', template: '/rest/api/{v}/serverInfo', flavours: [...BOTH], anonymous: true, handle: serverInfo },
  { method: 'GET', template: '/rest/api/{v}/myself', flavours: [...BOTH], handle: myself },
  {
    method: 'GET',
    template: '/rest/api/{v}/field',
    flavours: [...BOTH],
    handle: (ctx) => ({ body: ctx.state.serializer.fieldList() }),
  },
  {
    method: 'GET',
    template: '/rest/api/{v}/issuetype',
    flavours: [...BOTH],
    handle: (ctx) => ({ body: ctx.state.scenario.issueTypes }),
  },
  {
    method: 'GET',
    template: '/rest/api/{v}/status',
    flavours: [...BOTH],
    handle: (ctx) => ({
      body: ctx.state.scenario.statuses.map((s) => ({
        ...s,
        description: '',
        iconUrl: `${ctx.state.baseUrl}/images/icons/statuses/generic.png`,
      })),
    }),
  },
  {
    method: 'GET',
    template: '/rest/api/{v}/project',
    flavours: [...BOTH],
    handle: (ctx) => ({
      body: ctx.state.store.visibleProjects.map((p) => projectSummary(ctx, p, parseList(ctx.query.get('expand')))),
    }),
  },
  {
    method: 'GET',
    template: '/rest/api/{v}/project/search',
    flavours: ['cloud'],
    handle: (ctx) => {
      const q = ctx.query;
      const startAt = intParam(q.get('startAt'), 'startAt', 0);
      const maxResults = intParam(q.get('maxResults'), 'maxResults', 50, { min: 1, max: 100 });
      const keys = new Set(parseList(q.getAll('keys')).map((k) => k.toUpperCase()));
      const typeKeys = new Set(parseList(q.getAll('typeKey')));
      const text = q.get('query')?.toLowerCase();
      const expand = parseList(q.get('expand'));
      const projects = ctx.state.store.visibleProjects.filter(
        (p) =>
          (keys.size === 0 || keys.has(p.key)) &&
          (typeKeys.size === 0 || typeKeys.has(p.projectTypeKey)) &&
          (!text || p.key.toLowerCase().includes(text) || p.name.toLowerCase().includes(text)),
      );
      const self = `${ctx.state.baseUrl}/rest/api/${ctx.version}/project/search`;
      const page = pageBean(projects, startAt, maxResults, self);
      return { body: { ...page, values: page.values.map((p) => projectSummary(ctx, p, expand)) } };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/{v}/project/{projectIdOrKey}',
    flavours: [...BOTH],
    handle: (ctx) => {
      const p = requireProject(ctx);
      const scenario = ctx.state.scenario;
      const discovery = p.projectTypeKey === 'product_discovery';
      const issueTypes = scenario.issueTypes.filter((t) =>
        discovery ? t.untranslatedName === 'Idea' : t.untranslatedName !== 'Idea',
      );
      return {
        body: {
          ...projectSummary(ctx, p, ['lead']),
          description: `${p.name} project`,
          components: p.components,
          issueTypes,
          versions: projectVersions(ctx, p).map((v) => versionJson(ctx, v)),
          roles: {},
          assigneeType: 'UNASSIGNED',
        },
      };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/{v}/project/{projectIdOrKey}/version',
    flavours: [...BOTH],
    handle: (ctx) => {
      const p = requireProject(ctx);
      const q = ctx.query;
      const startAt = intParam(q.get('startAt'), 'startAt', 0);
      const maxResults = intParam(q.get('maxResults'), 'maxResults', 50, { min: 1, max: 50 });
      const statuses = new Set(parseList(q.get('status')));
      const versions = projectVersions(ctx, p).filter(
        (v) =>
          statuses.size === 0 ||
          (statuses.has('released') && v.released) ||
          (statuses.has('unreleased') && !v.released) ||
          (statuses.has('archived') && v.archived),
      );
      const self = `${ctx.state.baseUrl}/rest/api/${ctx.version}/project/${p.key}/version`;
      const page = pageBean(versions, startAt, maxResults, self);
      return { body: { ...page, values: page.values.map((v) => versionJson(ctx, v)) } };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/{v}/project/{projectIdOrKey}/versions',
    flavours: [...BOTH],
    handle: (ctx) => ({ body: projectVersions(ctx, requireProject(ctx)).map((v) => versionJson(ctx, v)) }),
  },
  {
    method: 'GET',
    template: '/rest/api/{v}/auditing/record',
    flavours: ['cloud'],
    handle: () => {
      throw new JiraHttpError(403, [
        'You do not have permission to view the audit log. Administer Jira permission is required.',
      ]);
    },
  },
];
