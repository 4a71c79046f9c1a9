import type { Command } from 'commander';
import {
  type Delivery,
  type DeliveryStatus,
  deliveryKey,
  destinationLabel,
  listDeliveries,
  parseDestination,
  releaseUncertain,
} from '../../store/deliveries.js';
import { cliConfig, cliStore, type GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { action, printJson, say } from '../run.js';

const STATUSES: readonly DeliveryStatus[] = ['claimed', 'sending', 'retrying', 'sent', 'failed', 'uncertain'];

interface ListOptions {
  report?: string;
  period?: string;
  status?: string;
}

interface ReleaseOptions {
  report?: string;
  period?: string;
  recipient?: string[];
}

function statusOf(text: string | undefined): DeliveryStatus | undefined {
  if (text === undefined) return undefined;
  if (!(STATUSES as readonly string[]).includes(text)) {
    throw new UsageError(`unknown delivery status "${text}"`, `use one of: ${STATUSES.join(', ')}`);
  }
  return text as DeliveryStatus;
}

/** One line per delivery for people; control characters of stored text are shown escaped. */
function line(d: Delivery): string {
  const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
  const when = d.sentAt ?? d.claimedAt;
  const error = d.lastError ? `  (${clean(d.lastError)})` : '';
  return `${d.status.padEnd(9)} ${clean(d.report)} ${clean(d.period)} ${clean(destinationLabel(d))}  ${d.attempts} attempt(s), ${when}${error}`;
}

export function registerDeliveries(program: Command): void {
  const cmd = program
    .command('deliveries')
    .description(
      'the delivery log (email, Slack, Teams): list deliveries, release the ones whose outcome is uncertain',
    );

  cmd
    .command('list')
    .description('deliveries by report and period (uncertain ones are never resent on their own)')
    .option('-r, --report <name>', 'only this report')
    .option('--period <period>', 'only this period, e.g. 2026-W48')
    .option('-s, --status <status>', `only this status: ${STATUSES.join(', ')}`)
    .action(
      action(async (opts: ListOptions) => {
        const globals = program.opts<GlobalOptions>();
        const status = statusOf(opts.status);
        const db = await cliStore(cliConfig(globals));
        try {
          const found = await listDeliveries(db, {
            ...(opts.report ? { report: opts.report } : {}),
            ...(opts.period ? { period: opts.period } : {}),
            ...(status ? { status } : {}),
          });
          if (globals.json) printJson({ deliveries: found });
          else if (found.length === 0) say('no deliveries match');
          else for (const d of found) process.stdout.write(`${line(d)}\n`);
          const uncertain = found.filter((d) => d.status === 'uncertain').length;
          if (uncertain > 0) {
            say(
              `${uncertain} uncertain: an attempt was interrupted and the message may have arrived. If it did not, ` +
                'release it (rolecall deliveries release --report … --period …) and send the report again.',
            );
          }
        } finally {
          await db.close();
        }
      }),
    );

  cmd
    .command('release')
    .description(
      'mark uncertain deliveries of a report and period as not received, so the next send delivers them again',
    )
    .requiredOption('-r, --report <name>', 'the report')
    .requiredOption('--period <period>', 'the period, e.g. 2026-W48')
    .option(
      '--recipient <destination...>',
      'only these recipients: addresses, slack:<channel> or teams:<ENV_VAR> (default: every uncertain one)',
    )
    .action(
      action(async (opts: ReleaseOptions) => {
        const globals = program.opts<GlobalOptions>();
        const report = opts.report ?? '';
        const period = opts.period ?? '';
        const db = await cliStore(cliConfig(globals));
        try {
          const uncertain = (await listDeliveries(db, { report, period, status: 'uncertain' })).map((d) => d.key);
          const wanted = opts.recipient?.map((r) => {
            const d = parseDestination(r);
            return deliveryKey(report, period, d.recipient, d.channel);
          });
          const unknown = wanted?.filter((k) => !uncertain.includes(k)) ?? [];
          if (unknown.length > 0) {
            throw new UsageError(
              `not an uncertain delivery of ${report} ${period}: ${unknown.join(', ')}`,
              'rolecall deliveries list --status uncertain shows which ones are',
            );
          }
          const released = await releaseUncertain(db, wanted ?? uncertain);
          if (globals.json) printJson({ report, period, released });
          say(
            released.length === 0
              ? `nothing to release: ${report} ${period} has no uncertain deliveries`
              : `released ${released.length} delivery(ies) of ${report} ${period}; send them with ` +
                  `rolecall report --report ${report} --send (add --as-of <an instant in ${period}> for a past period)`,
          );
        } finally {
          await db.close();
        }
      }),
    );
}
