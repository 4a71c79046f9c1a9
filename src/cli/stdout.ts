import { ioErrorReason } from '../util/atomic-file.js';

/**
 * Standard output that cannot be written (`> /dev/full`, a closed pipe) ends the process with one line on stderr
 * and exit 1, instead of an unhandled stream error with a stack trace, or a command waiting forever to write.
 * Exiting releases the embedded store's lock (an exit handler); stored data is never at risk from a reader.
 */
export function exitOnStdoutError(): void {
  process.stdout.on('error', (err) => {
    const { code, reason } = ioErrorReason(err);
    process.stderr.write(`rolecall: cannot write to standard output: ${reason}${code ? ` (${code})` : ''}\n`);
    process.exit(1);
  });
}

/** Writes to standard output and waits until it is written, so a failure ends the process before anything else. */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve) => {
    process.stdout.write(text, (err) => {
      // A failure is reported (and the process ended) by the handler of exitOnStdoutError.
      if (!err) resolve();
    });
  });
}
