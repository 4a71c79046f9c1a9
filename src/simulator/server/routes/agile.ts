import type { SimBoard } from '../../scenario/types.js';
import { boardSprints } from '../board-sprints.js';
import type { RequestContext, Route } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { intParam } from '../paging.js';
import { parseList } from '../serialize.js';

const BOTH = ['cloud', 'datacenter'] as const;

function visibleBoards(ctx: RequestContext): SimBoard[] {
  const visible = new Set(ctx.state.store.visibleProjects.map((p) => p.key));
  return ctx.state.scenario.boards.filter((b) => visible.has(b.projectKey));
}

function requireBoard(ctx: RequestContext): SimBoard {
  const id = ctx.params.boardId ?? '';
  const board = visibleBoards(ctx).find((b) => String(b.id) === id);
  if (!board) throw notFound('Board does not exist or you do not have permission to see it.');
  return board;
}

/** Data Center has no team-managed projects: there a `simple` board is a scrum board. */
function boardType(ctx: RequestContext, board: SimBoard): string {
  return board.type === 'simple' && ctx.state.flavour === 'datacenter' ? 'scrum' : board.type;
}

function boardJson(ctx: RequestContext, board: SimBoard): Record<string, unknown> {
  const project = ctx.state.store.project(board.projectKey);
  return {
    id: board.id,
    self: `${ctx.state.baseUrl}/rest/agile/1.0/board/${board.id}`,
    name: board.name,
    type: boardType(ctx, board),
    location: {
      projectId: Number(board.projectId),
      displayName: `${project?.name ?? board.projectKey} (${board.projectKey})`,
      projectName: project?.name ?? board.projectKey,
      projectKey: board.projectKey,
      projectTypeKey: project?.projectTypeKey ?? 'software',
      avatarURI: `${ctx.state.baseUrl}/rest/api/2/universal_avatar/view/type/project/avatar/10400?size=small`,
      name: `${project?.name ?? board.projectKey} (${board.projectKey})`,
    },
  };
}

/** Agile lists page with startAt/maxResults/isLast (and `total` only where Jira gives it). */
function agilePage<T>(items: T[], startAt: number, maxResults: number, withTotal: boolean) {
  const values = items.slice(startAt, startAt + maxResults);
  return {
    maxResults,
    startAt,
    ...(withTotal ? { total: items.length } : {}),
    isLast: startAt + values.length >= items.length,
    values,
  };
}

export const agileRoutes: Route[] = [
  {
    method: 'GET',
    template: '/rest/agile/1.0/board',
    flavours: [...BOTH],
    handle: (ctx) => {
      const q = ctx.query;
      let boards = visibleBoards(ctx);
      const projectKeyOrId = q.get('projectKeyOrId');
      if (projectKeyOrId) {
        const project = ctx.state.store.project(projectKeyOrId);
        if (!project) throw badRequest(`No project could be found with key or id '${projectKeyOrId}'.`);
        boards = boards.filter((b) => b.projectKey === project.key);
      }
      const types = new Set(parseList(q.get('type')));
      if (types.size > 0) boards = boards.filter((b) => types.has(boardType(ctx, b)));
      const startAt = intParam(q.get('startAt'), 'startAt', 0);
      const maxResults = intParam(q.get('maxResults'), 'maxResults', 50, { min: 1, max: 50 });
      const page = agilePage(boards, startAt, maxResults, true);
      return { body: { ...page, values: page.values.map((b) => boardJson(ctx, b)) } };
    },
  },
  {
    method: 'GET',
    template: '/rest/agile/1.0/board/{boardId}',
    flavours: [...BOTH],
    handle: (ctx) => ({ body: boardJson(ctx, requireBoard(ctx)) }),
  },
  {
    method: 'GET',
    template: '/rest/agile/1.0/board/{boardId}/configuration',
    flavours: [...BOTH],
    handle: (ctx) => {
      const board = requireBoard(ctx);
      const { scenario, baseUrl } = ctx.state;
      const estimation = scenario.fields.find((f) => f.id === board.estimationFieldId);
      const statuses = (names: string[]) =>
        scenario.statuses.filter((s) => names.includes(s.untranslatedName)).map((s) => ({ id: s.id, self: s.self }));
      return {
        body: {
          id: board.id,
          name: board.name,
          type: boardType(ctx, board),
          self: `${baseUrl}/rest/agile/1.0/board/${board.id}/configuration`,
          location: {
            type: 'project',
            key: board.projectKey,
            id: board.projectId,
            self: `${baseUrl}/rest/api/2/project/${board.projectId}`,
            name: board.projectKey,
          },
          filter: { id: board.filterId, self: `${baseUrl}/rest/api/2/filter/${board.filterId}` },
          subQuery: {
            query: board.type === 'kanban' ? 'fixVersion in unreleasedVersions() OR fixVersion is EMPTY' : '',
          },
          columnConfig: {
            columns: [
              { name: 'To Do', statuses: statuses(['To Do']) },
              { name: 'In Progress', statuses: statuses(['In Progress', 'In Review']) },
              { name: 'Done', statuses: statuses(['Done']) },
            ],
            constraintType: 'none',
          },
          // A board that counts issues has no estimation field.
          estimation: board.estimationFieldId
            ? {
                type: 'field',
                field: { fieldId: board.estimationFieldId, displayName: estimation?.name ?? 'Story Points' },
              }
            : { type: 'none' },
          ranking: { rankCustomFieldId: Number(board.rankFieldId.replace('customfield_', '')) },
        },
      };
    },
  },
  {
    method: 'GET',
    template: '/rest/agile/1.0/board/{boardId}/sprint',
    flavours: [...BOTH],
    handle: (ctx) => {
      const board = requireBoard(ctx);
      // Team-managed (`simple`) boards here all have sprints turned on.
      if (board.type === 'kanban') throw badRequest('The board does not support sprints');
      const q = ctx.query;
      const states = new Set(parseList(q.get('state')));
      const sprints = boardSprints(ctx.state.scenario, ctx.state.store, board).filter(
        (s) => states.size === 0 || states.has(s.state),
      );
      const startAt = intParam(q.get('startAt'), 'startAt', 0);
      const maxResults = intParam(q.get('maxResults'), 'maxResults', 50, { min: 1, max: 50 });
      const page = agilePage(sprints, startAt, maxResults, false);
      return {
        body: { ...page, values: page.values.map((s) => ({ ...s, self: ctx.state.serializer.rebase(s.self) })) },
      };
    },
  },
  {
    method: 'GET',
    template: '/rest/agile/1.0/sprint/{sprintId}',
    flavours: [...BOTH],
    handle: (ctx) => {
      const boards = new Set(visibleBoards(ctx).map((b) => b.id));
      const sprint = ctx.state.scenario.sprints.find(
        (s) => String(s.id) === ctx.params.sprintId && boards.has(s.originBoardId),
      );
      if (!sprint) throw notFound('Sprint does not exist or you do not have permission to see it.');
      return { body: { ...sprint, self: ctx.state.serializer.rebase(sprint.self) } };
    },
  },
  {
    // The issues of a board's filter (the board's project here), ids only: what team rules by board read.
    method: 'GET',
    template: '/rest/agile/1.0/board/{boardId}/issue',
    flavours: [...BOTH],
    handle: (ctx) => {
      const board = requireBoard(ctx);
      const issues = ctx.state.store
        .query(
          { where: [{ field: 'project', op: 'in', values: [board.projectKey] }], orderBy: [] },
          ctx.state.clockMs(),
          ctx.state.scenario.userTimeZone,
          [{ field: 'id', direction: 'asc' }],
        )
        .filter((r) => !board.issueTypeIds || board.issueTypeIds.includes(r.issue.fields.issuetype.id));
      const startAt = intParam(ctx.query.get('startAt'), 'startAt', 0);
      const maxResults = intParam(ctx.query.get('maxResults'), 'maxResults', 50, { min: 1, max: 100 });
      const page = issues.slice(startAt, startAt + maxResults);
      return {
        body: {
          expand: 'schema,names',
          startAt,
          maxResults,
          total: issues.length,
          issues: page.map((r) => ({
            id: r.issue.id,
            key: r.issue.key,
            self: `${ctx.state.baseUrl}/rest/agile/1.0/issue/${r.issue.id}`,
          })),
        },
      };
    },
  },
];
