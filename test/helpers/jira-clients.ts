import { AgileClient, Version2Client, Version3Client } from 'jira.js';
import type { RunningSimulator } from '../../src/simulator/index.js';

export function cloudClients(sim: RunningSimulator, apiToken = sim.credentials.apiToken) {
  const config = { host: sim.url, authentication: { basic: { email: sim.credentials.email, apiToken } } };
  return { v3: new Version3Client(config), agile: new AgileClient(config) };
}

export function dcClients(sim: RunningSimulator, pat = sim.credentials.pat) {
  const config = { host: sim.url, authentication: { oauth2: { accessToken: pat } } };
  return { v2: new Version2Client(config), agile: new AgileClient(config) };
}

export interface HttpFailure {
  status: number;
  data: { errorMessages?: string[]; errors?: Record<string, string> };
  headers: Record<string, string>;
}

/** The HTTP status, body and headers of a jira.js call that must fail (headers via err.cause.response). */
export async function httpFailure(call: Promise<unknown>): Promise<HttpFailure> {
  try {
    await call;
  } catch (err) {
    type Response = { status: number; data: unknown; headers: Record<string, string> };
    // jira.js wraps HTTP errors (the AxiosError is `cause`); sendRequestFullResponse throws the AxiosError itself.
    const e = err as { response?: Response; cause?: { response?: Response } };
    const response = e.cause?.response ?? e.response;
    if (!response) throw err;
    return { status: response.status, data: response.data as HttpFailure['data'], headers: response.headers };
  }
  throw new Error('expected the call to fail');
}

/** Rejects unless the call fails without an HTTP response (a reset connection). */
export async function networkFailure(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; response?: unknown; cause?: { response?: unknown } };
    if (e.response || e.cause?.response) throw err;
    return e.code ?? 'UNKNOWN';
  }
  throw new Error('expected the call to fail');
}
