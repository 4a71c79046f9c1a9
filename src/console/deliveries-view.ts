import { fmtDateTime } from '../report/format.js';
import { type Delivery, type DeliveryStatus, destinationLabel } from '../store/deliveries.js';

/** The deliveries page: the uncertain ones to decide on, and the log. */

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'sent',
  'uncertain',
  'failed',
  'retrying',
  'sending',
  'claimed',
];

const TONE: Record<DeliveryStatus, string> = {
  sent: 'good',
  uncertain: 'warn',
  failed: 'bad',
  retrying: 'warn',
  sending: 'neutral',
  claimed: 'neutral',
};

/** At most this many rows of the log (newest periods first). */
export const DELIVERY_LIST_LIMIT = 200;

export function deliveriesView(o: {
  all: Delivery[];
  uncertain: Delivery[];
  status: DeliveryStatus | undefined;
  csrf: string;
  timezone: string;
  notice?: string;
}) {
  const sorted = [...o.all].sort(
    (a, b) => b.claimedAt.localeCompare(a.claimedAt) || a.recipient.localeCompare(b.recipient),
  );
  const shown = sorted.slice(0, DELIVERY_LIST_LIMIT);
  return {
    csrf: o.csrf,
    notice: o.notice ?? null,
    statusOptions: [
      { value: '', label: 'Every status', selected: !o.status },
      ...DELIVERY_STATUSES.map((s) => ({ value: s, label: s, selected: s === o.status })),
    ],
    hasUncertain: o.uncertain.length > 0,
    uncertain: o.uncertain.map((d) => ({
      key: d.key,
      report: d.report,
      period: d.period,
      destination: destinationLabel(d),
      lastError: d.lastError ?? '',
    })),
    listHeading: o.status ? `Deliveries: ${o.status}` : 'Every delivery',
    caption:
      sorted.length > shown.length
        ? `The newest ${shown.length} of ${sorted.length}`
        : `${sorted.length} deliver${sorted.length === 1 ? 'y' : 'ies'}, newest first`,
    hasDeliveries: shown.length > 0,
    deliveries: shown.map((d) => ({
      report: d.report,
      period: d.period,
      destination: destinationLabel(d),
      status: d.status,
      tone: TONE[d.status],
      attempts: d.attempts,
      sent: d.sentAt ? fmtDateTime(d.sentAt, o.timezone) : '–',
    })),
  };
}
