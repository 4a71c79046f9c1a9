import type { JiraChangeItem, Scenario, SimIssue, SimProject } from '../src/simulator/index.js';

/**
 * The simulator's scenarios have at most 9 projects; the fleet benchmark needs 20 on one site. This copies
 * browsable projects (with their issues, boards, sprints and versions) under new keys and ids until the site
 * holds `projects` browsable projects. Copies are structurally faithful (same histories, comments, sprints,
 * hierarchy), so each copied project costs a sync what its original costs. Ground truth is not extended: the
 * copies serve load, not verdicts.
 */
export function withProjectCopies(scenario: Scenario, projects: number): Scenario {
  const originals = scenario.projects.filter((p) => p.browsable);
  if (originals.length === 0) throw new Error('scenario has no browsable project to copy');
  const used = new Set(scenario.projects.map((p) => p.key));
  const sprintField = scenario.fields.find((f) => f.schema.custom === 'com.pyxis.greenhopper.jira:gh-sprint')?.id;
  const out: Scenario = {
    ...scenario,
    projects: [...scenario.projects],
    boards: [...scenario.boards],
    sprints: [...scenario.sprints],
    versions: [...scenario.versions],
    issues: [...scenario.issues],
  };
  for (let copy = 1, have = originals.length; have < projects; copy++) {
    const idOffset = copy * 1_000_000;
    const smallOffset = copy * 10_000;
    const picked = originals.slice(0, Math.min(originals.length, projects - have));
    have += picked.length;
    const keyMap = new Map<string, string>();
    for (const p of picked) {
      let key = `${p.key}${String.fromCharCode(65 + copy)}`;
      for (let n = 2; used.has(key); n++) key = `${p.key}${String.fromCharCode(65 + copy)}${n}`;
      used.add(key);
      keyMap.set(p.key, key);
    }
    const id = (s: string | null | undefined) => (s == null || !/^\d+$/.test(s) ? s : String(Number(s) + idOffset));
    const small = (n: number) => n + smallOffset;
    const issueKey = (k: string) => {
      const dash = k.lastIndexOf('-');
      const mapped = keyMap.get(k.slice(0, dash));
      return mapped ? `${mapped}${k.slice(dash)}` : k;
    };
    const selfWith = (self: string, from: string, to: string) => self.replace(new RegExp(`/${from}$`), `/${to}`);
    const sprintList = (s: string | null) =>
      s == null
        ? s
        : s
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x !== '')
            .map((x) => (/^\d+$/.test(x) ? String(small(Number(x))) : x))
            .join(', ');

    const projectIds = new Map<string, SimProject>();
    for (const p of picked) {
      const key = keyMap.get(p.key) as string;
      const clone: SimProject = structuredClone(p);
      clone.id = id(p.id) as string;
      clone.key = key;
      clone.name = `${p.name} ${copy + 1}`;
      clone.self = selfWith(p.self, p.id, clone.id);
      clone.components = clone.components.map((c) => ({
        ...c,
        id: id(c.id) as string,
        self: selfWith(c.self, c.id, id(c.id) as string),
      }));
      projectIds.set(p.id, clone);
      out.projects.push(clone);
    }
    const boardIds = new Set<number>();
    for (const b of scenario.boards.filter((b) => keyMap.has(b.projectKey))) {
      boardIds.add(b.id);
      out.boards.push({
        ...b,
        id: small(b.id),
        self: selfWith(b.self, String(b.id), String(small(b.id))),
        name: b.name.replace(b.projectKey, keyMap.get(b.projectKey) as string),
        projectKey: keyMap.get(b.projectKey) as string,
        projectId: id(b.projectId) as string,
        filterId: id(b.filterId) as string,
      });
    }
    for (const s of scenario.sprints.filter((s) => boardIds.has(s.originBoardId))) {
      out.sprints.push({
        ...s,
        id: small(s.id),
        self: selfWith(s.self, String(s.id), String(small(s.id))),
        originBoardId: small(s.originBoardId),
      });
    }
    for (const v of scenario.versions.filter((v) => projectIds.has(String(v.projectId)))) {
      out.versions.push({
        ...v,
        id: id(v.id) as string,
        self: selfWith(v.self, v.id, id(v.id) as string),
        projectId: v.projectId + idOffset,
      });
    }
    const remapItem = (item: JiraChangeItem): JiraChangeItem => {
      if (item.fieldId === sprintField || item.field === 'Sprint')
        return { ...item, from: sprintList(item.from), to: sprintList(item.to) };
      if (item.field === 'Fix Version' || item.field === 'Parent' || item.field === 'IssueParentAssociation')
        return {
          ...item,
          from: id(item.from) ?? null,
          to: id(item.to) ?? null,
          fromString: item.fromString && issueKey(item.fromString),
          toString: item.toString && issueKey(item.toString),
        };
      if (item.field === 'Link' || item.field === 'WorklogId')
        return {
          ...item,
          from: id(item.from) ?? null,
          to: id(item.to) ?? null,
          fromString: item.fromString && issueKey(item.fromString),
          toString: item.toString && issueKey(item.toString),
        };
      return item;
    };
    for (const issue of scenario.issues) {
      const project = projectIds.get(issue.fields.project.id);
      if (!project) continue;
      const c: SimIssue = structuredClone(issue);
      c.id = id(issue.id) as string;
      c.key = issueKey(issue.key);
      c.self = selfWith(issue.self, issue.id, c.id);
      const f = c.fields;
      f.project = { ...f.project, id: project.id, key: project.key, name: project.name, self: project.self };
      if (f.parent) f.parent = { ...f.parent, id: id(f.parent.id) as string, key: issueKey(f.parent.key) };
      f.subtasks = f.subtasks.map((s) => ({ ...s, id: id(s.id) as string, key: issueKey(s.key) }));
      f.issuelinks = f.issuelinks.map((l) => ({
        ...l,
        id: id(l.id) as string,
        ...(l.outwardIssue
          ? {
              outwardIssue: {
                ...l.outwardIssue,
                id: id(l.outwardIssue.id) as string,
                key: issueKey(l.outwardIssue.key),
              },
            }
          : {}),
        ...(l.inwardIssue
          ? { inwardIssue: { ...l.inwardIssue, id: id(l.inwardIssue.id) as string, key: issueKey(l.inwardIssue.key) } }
          : {}),
      }));
      f.fixVersions = f.fixVersions.map((v) => ({ ...v, id: id(v.id) as string }));
      f.components = f.components.map((x) => ({ ...x, id: id(x.id) as string }));
      if (sprintField && Array.isArray(f[sprintField])) {
        f[sprintField] = (f[sprintField] as Array<{ id: number; boardId: number }>).map((s) => ({
          ...s,
          id: small(s.id),
          boardId: small(s.boardId),
        }));
      }
      c.histories = c.histories.map((h) => ({ ...h, id: id(h.id) as string, items: h.items.map(remapItem) }));
      c.comments = c.comments.map((k) => ({
        ...k,
        id: id(k.id) as string,
        self: selfWith(k.self, k.id, id(k.id) as string),
      }));
      c.worklogs = c.worklogs.map((w) => ({
        ...w,
        id: id(w.id) as string,
        issueId: c.id,
        self: selfWith(w.self, w.id, id(w.id) as string),
      }));
      out.issues.push(c);
    }
  }
  return out;
}
