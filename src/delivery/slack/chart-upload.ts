import type { WebClient } from '@slack/web-api';
import type { DigestChartPng } from '../../report/chat/chart.js';
import { ChatSendError, classifyHttpStatus, classifyNetworkError, describeNetworkError } from '../chat-failure.js';
import { classifySlackApiError } from './errors.js';

/**
 * The chart upload with Slack's external upload API (files.upload is retired): (1) files.getUploadURLExternal,
 * (2) POST the bytes to the returned URL, (3) files.completeUploadExternal to share the file. Steps 1 and 2 post
 * nothing visible, so they run before the digest and can be repeated; step 3 shares the chart in the digest's thread.
 */

export interface PreparedUpload {
  fileId: string;
}

async function postBytes(uploadUrl: string, png: Buffer, timeoutMs: number): Promise<void> {
  const url = new URL(uploadUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ChatSendError('Slack returned an upload URL that is not http(s)', 'permanent');
  }
  let response: Response;
  try {
    // No token: the upload URL is pre-signed by Slack.
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: png,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ChatSendError(`chart upload failed: ${describeNetworkError(err)}`, classifyNetworkError(err));
  }
  await response.arrayBuffer().catch(() => undefined);
  if (response.status !== 200) {
    throw new ChatSendError(`chart upload HTTP ${response.status}`, classifyHttpStatus(response.status));
  }
}

/** Steps 1 and 2: the file exists in Slack, private to the app, until completed. */
export async function prepareChartUpload(
  client: WebClient,
  chart: DigestChartPng,
  timeoutMs: number,
): Promise<PreparedUpload> {
  let target: { upload_url?: string; file_id?: string };
  try {
    target = await client.files.getUploadURLExternal({
      filename: chart.filename,
      length: chart.png.length,
      alt_text: chart.alt.slice(0, 1000),
    });
  } catch (err) {
    throw classifySlackApiError(err);
  }
  if (!target.upload_url || !target.file_id) {
    throw new ChatSendError('Slack returned no upload URL for the chart', 'permanent');
  }
  await postBytes(target.upload_url, chart.png, timeoutMs);
  return { fileId: target.file_id };
}

/** Step 3: shares the uploaded chart as a reply to the digest. */
export async function completeChartUpload(
  client: WebClient,
  upload: PreparedUpload,
  chart: DigestChartPng,
  where: { channelId: string; threadTs: string },
): Promise<void> {
  try {
    await client.files.completeUploadExternal({
      files: [{ id: upload.fileId, title: chart.title.slice(0, 250) }],
      channel_id: where.channelId,
      thread_ts: where.threadTs,
    });
  } catch (err) {
    throw classifySlackApiError(err);
  }
}
