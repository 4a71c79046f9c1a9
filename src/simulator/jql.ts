/**
 * The slice of JQL a sync sends: `project`, `key`, `id`, `issuetype` and `parent` with `=`/`in`, `created` and
 * `updated` compared with dates, `AND`, parentheses around AND-groups, and `ORDER BY`. Everything else is
 * rejected with a JqlError (never ignored), so a client relying on unsupported JQL learns it at once.
 */

export type JqlListField = 'project' | 'key' | 'id' | 'issuetype' | 'parent';
export type JqlDateField = 'created' | 'updated';
export type JqlDateOperator = '>=' | '>' | '<=' | '<' | '=';
export type JqlOrderField = 'created' | 'updated' | 'key' | 'id' | 'rank';

export type JqlDate =
  | { kind: 'absolute'; year: number; month: number; day: number; hour: number; minute: number }
  | { kind: 'relative'; offsetMs: number }
  | { kind: 'epoch'; ms: number };

export type JqlClause =
  | { field: JqlListField; op: 'in'; values: string[] }
  | { field: JqlDateField; op: JqlDateOperator; value: JqlDate; text: string };

export interface JqlOrder {
  field: JqlOrderField;
  direction: 'asc' | 'desc';
}

export interface JqlQuery {
  where: JqlClause[];
  orderBy: JqlOrder[];
}

export class JqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JqlError';
  }
}

const LIST_FIELDS: Record<string, JqlListField> = {
  project: 'project',
  key: 'key',
  issuekey: 'key',
  id: 'id',
  issuetype: 'issuetype',
  type: 'issuetype',
  parent: 'parent',
};
const DATE_FIELDS: Record<string, JqlDateField> = {
  created: 'created',
  createddate: 'created',
  updated: 'updated',
  updateddate: 'updated',
};
const ORDER_FIELDS: Record<string, JqlOrderField> = {
  created: 'created',
  createddate: 'created',
  updated: 'updated',
  updateddate: 'updated',
  key: 'key',
  issuekey: 'key',
  id: 'id',
  rank: 'rank',
};
/** Real Jira fields the simulator deliberately does not evaluate. */
const KNOWN_UNSUPPORTED = new Set([
  'status',
  'statuscategory',
  'assignee',
  'reporter',
  'creator',
  'sprint',
  'labels',
  'component',
  'fixversion',
  'priority',
  'resolution',
  'resolved',
  'summary',
  'text',
  'description',
  'duedate',
  'epic link',
  'filter',
]);
const MAX_ORDER_FIELDS = 7;

type Token =
  | { type: 'word'; value: string; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'op'; value: string; pos: number }
  | { type: 'punct'; value: '(' | ')' | ','; pos: number }
  | { type: 'eof'; value: ''; pos: number };

function fail(message: string, token?: Token): never {
  const where = token ? ` (line 1, character ${token.pos + 1})` : '';
  throw new JqlError(`Error in the JQL Query: ${message}${where}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const start = i;
      let value = '';
      i++;
      while (i < text.length && text[i] !== ch) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) fail(`The quoted string starting at character ${start + 1} has not been completed.`);
      i++;
      tokens.push({ type: 'string', value, pos: start });
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', value: ch, pos: i });
      i++;
      continue;
    }
    const op = /^(!=|>=|<=|!~|=|>|<|~)/.exec(text.slice(i));
    if (op) {
      tokens.push({ type: 'op', value: op[0], pos: i });
      i += op[0].length;
      continue;
    }
    const word = /^[^\s()",'=!<>~]+/.exec(text.slice(i));
    if (!word) fail(`The character '${ch}' is a reserved JQL character.`, { type: 'eof', value: '', pos: i });
    tokens.push({ type: 'word', value: word[0], pos: i });
    i += word[0].length;
  }
  tokens.push({ type: 'eof', value: '', pos: text.length });
  return tokens;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }
  private take(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.index++;
    return token;
  }
  private isWord(token: Token, word: string): boolean {
    return token.type === 'word' && token.value.toLowerCase() === word;
  }

  parse(): JqlQuery {
    const where: JqlClause[] = [];
    if (this.peek().type !== 'eof' && !this.isWord(this.peek(), 'order')) this.parseAndGroup(where, 0);
    const orderBy = this.isWord(this.peek(), 'order') ? this.parseOrderBy() : [];
    const rest = this.peek();
    if (rest.type !== 'eof') fail(`Expecting either 'OR' or 'AND' but got '${rest.value}'.`, rest);
    return { where, orderBy };
  }

  private parseAndGroup(into: JqlClause[], depth: number): void {
    for (;;) {
      this.parseTerm(into, depth);
      const next = this.peek();
      if (this.isWord(next, 'and')) {
        this.take();
        continue;
      }
      if (this.isWord(next, 'or')) fail("The simulator does not support 'OR'; send one query per alternative.", next);
      return;
    }
  }

  private parseTerm(into: JqlClause[], depth: number): void {
    const token = this.peek();
    if (token.type === 'punct' && token.value === '(') {
      this.take();
      this.parseAndGroup(into, depth + 1);
      const close = this.take();
      if (close.type !== 'punct' || close.value !== ')') fail(`Expecting ')' but got '${close.value}'.`, close);
      return;
    }
    if (this.isWord(token, 'not')) fail("The simulator does not support 'NOT'.", token);
    into.push(this.parseClause());
  }

  private parseClause(): JqlClause {
    const fieldToken = this.take();
    if (fieldToken.type !== 'word' && fieldToken.type !== 'string') {
      fail(`Expecting a field name but got '${fieldToken.value || '<EOF>'}'.`, fieldToken);
    }
    const name = fieldToken.value.toLowerCase();
    const listField = LIST_FIELDS[name];
    const dateField = DATE_FIELDS[name];
    if (!listField && !dateField) {
      if (KNOWN_UNSUPPORTED.has(name) || /^cf\[\d+\]$/.test(name) || name.startsWith('customfield_')) {
        fail(
          `The simulator does not support the field '${fieldToken.value}' (supported: project, key, id, issuetype, parent, created, updated).`,
          fieldToken,
        );
      }
      throw new JqlError(`Field '${fieldToken.value}' does not exist or you do not have permission to view it.`);
    }
    const opToken = this.take();
    const op = opToken.type === 'op' ? opToken.value : opToken.type === 'word' ? opToken.value.toLowerCase() : '';
    if (listField) {
      if (op === '=') return { field: listField, op: 'in', values: [this.parseValue()] };
      if (op === 'in') return { field: listField, op: 'in', values: this.parseList() };
      if (op === 'not' || op === '!=' || op === 'is') {
        fail(
          `The simulator does not support the operator '${opToken.value}' for the field '${fieldToken.value}'.`,
          opToken,
        );
      }
      fail(`Expecting operator but got '${opToken.value || '<EOF>'}'. The valid operators are '=', 'in'.`, opToken);
    }
    if (op === '>=' || op === '>' || op === '<=' || op === '<' || op === '=') {
      const text = this.parseValue();
      return { field: dateField as JqlDateField, op, value: parseJqlDate(text, fieldToken.value), text };
    }
    fail(
      `Expecting operator but got '${opToken.value || '<EOF>'}'. The valid operators are '>=', '>', '<=', '<', '='.`,
      opToken,
    );
  }

  private parseValue(): string {
    const token = this.take();
    if (token.type === 'word' || token.type === 'string') {
      const next = this.peek();
      if (token.type === 'word' && next.type === 'punct' && next.value === '(') {
        fail(`The simulator does not support JQL functions such as '${token.value}()'.`, token);
      }
      return token.value;
    }
    fail(`Expecting either a value, list or function but got '${token.value || '<EOF>'}'.`, token);
  }

  private parseList(): string[] {
    const open = this.take();
    if (open.type !== 'punct' || open.value !== '(') fail(`Expecting '(' but got '${open.value || '<EOF>'}'.`, open);
    const values = [this.parseValue()];
    for (;;) {
      const token = this.take();
      if (token.type === 'punct' && token.value === ',') {
        values.push(this.parseValue());
        continue;
      }
      if (token.type === 'punct' && token.value === ')') return values;
      fail(`Expecting ',' or ')' but got '${token.value || '<EOF>'}'.`, token);
    }
  }

  private parseOrderBy(): JqlOrder[] {
    this.take();
    const by = this.take();
    if (!this.isWord(by, 'by')) fail(`Expecting 'by' but got '${by.value || '<EOF>'}'.`, by);
    const orders: JqlOrder[] = [];
    for (;;) {
      const fieldToken = this.take();
      if (fieldToken.type !== 'word' && fieldToken.type !== 'string') {
        fail(`Expecting a field name but got '${fieldToken.value || '<EOF>'}'.`, fieldToken);
      }
      const field = ORDER_FIELDS[fieldToken.value.toLowerCase()];
      if (!field) {
        if (LIST_FIELDS[fieldToken.value.toLowerCase()] || KNOWN_UNSUPPORTED.has(fieldToken.value.toLowerCase())) {
          fail(`The simulator does not support ordering by '${fieldToken.value}'.`, fieldToken);
        }
        throw new JqlError(`Field '${fieldToken.value}' does not exist or you do not have permission to view it.`);
      }
      let direction: 'asc' | 'desc' = field === 'created' || field === 'updated' ? 'desc' : 'asc';
      if (this.isWord(this.peek(), 'asc') || this.isWord(this.peek(), 'desc')) {
        direction = this.take().value.toLowerCase() as 'asc' | 'desc';
      }
      orders.push({ field, direction });
      if (orders.length > MAX_ORDER_FIELDS)
        fail(`The ORDER BY clause may contain at most ${MAX_ORDER_FIELDS} fields.`, fieldToken);
      const next = this.peek();
      if (next.type === 'punct' && next.value === ',') {
        this.take();
        continue;
      }
      return orders;
    }
  }
}

const ABSOLUTE_DATE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/;
const RELATIVE_DATE = /^([-+])?\s*((?:\d+\s*[wdhm]\s*)+)$/i;
const UNIT_MS: Record<string, number> = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000 };

function parseJqlDate(text: string, field: string): JqlDate {
  const trimmed = text.trim();
  const absolute = ABSOLUTE_DATE.exec(trimmed);
  if (absolute) {
    const [, y, mo, d, h, mi] = absolute;
    const date = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h ?? 0), minute: Number(mi ?? 0) };
    if (date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= 31 && date.hour < 24 && date.minute < 60) {
      return { kind: 'absolute', ...date };
    }
  }
  const relative = RELATIVE_DATE.exec(trimmed);
  if (relative) {
    let offset = 0;
    for (const part of (relative[2] as string).matchAll(/(\d+)\s*([wdhm])/gi)) {
      offset += Number(part[1]) * (UNIT_MS[(part[2] as string).toLowerCase()] as number);
    }
    return { kind: 'relative', offsetMs: relative[1] === '-' ? -offset : offset };
  }
  if (/^\d{10,}$/.test(trimmed)) return { kind: 'epoch', ms: Number(trimmed) };
  throw new JqlError(
    `Date value '${text}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
  );
}

export function parseJql(text: string): JqlQuery {
  return new Parser(tokenize(text)).parse();
}

/** Cloud's enhanced search refuses queries without a restriction that bounds the result set. */
export function isBounded(query: JqlQuery): boolean {
  return query.where.some(
    (c) => c.op === 'in' && (c.field === 'project' || c.field === 'key' || c.field === 'id' || c.field === 'parent'),
  );
}
