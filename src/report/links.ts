/**
 * Every URL in a report is built here, from configuration and validated issue keys, never copied from Jira
 * data. Only http(s) URLs without credentials survive.
 */

export const ISSUE_KEY = /^[A-Z][A-Z0-9_]+-\d+$/;

export interface Link {
  href: string;
  label: string;
}

/** Parses a configured base URL; undefined unless it is http(s) without embedded credentials. */
export function safeBaseUrl(raw: string | null | undefined): URL | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password) return undefined;
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

export function isIssueKey(key: string): boolean {
  return ISSUE_KEY.test(key);
}

/** `<base>/browse/KEY`, or undefined when there is no usable base or the key is not a Jira issue key. */
export function issueHref(base: URL | undefined, key: string): string | undefined {
  if (!base || !isIssueKey(key)) return undefined;
  return new URL(`browse/${encodeURIComponent(key)}`, base).href;
}

/** `<reportBaseUrl>/reports/<id>`, or undefined without a usable base URL. */
export function reportHref(reportBaseUrl: string | null | undefined, reportId: string | undefined): string | undefined {
  const base = safeBaseUrl(reportBaseUrl);
  if (!base || !reportId) return undefined;
  return new URL(`reports/${encodeURIComponent(reportId)}`, base).href;
}
