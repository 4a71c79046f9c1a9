import type { Command } from 'commander';
import { generatePassword, hashPassword } from '../../console/passwords.js';
import type { GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { action, printJson, say } from '../run.js';
import { writeStdout } from '../stdout.js';

const MIN_LENGTH = 12;

/** The whole of stdin, less one trailing line break (what `echo pw |` and a file add). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
function ask(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export function registerConsole(program: Command): void {
  const cmd = program.command('console').description('the web console of `rolecall serve`: its users');
  cmd
    .command('hash-password')
    .description(
      'print the scrypt hash of a password for console.users[].passwordHash (reads stdin, or asks on a terminal)',
    )
    .option('--generate', 'make up a strong password, print it once on stderr and its hash on stdout')
    .action(
      action(async (opts: { generate?: boolean }) => {
        const globals = program.opts<GlobalOptions>();
        let password: string;
        if (opts.generate) {
          password = generatePassword();
        } else if (process.stdin.isTTY) {
          password = await ask('password: ');
          if ((await ask('again: ')) !== password) throw new UsageError('the two passwords differ');
        } else {
          password = await readStdin();
        }
        if (password.length < MIN_LENGTH)
          throw new UsageError(
            `the password is ${password.length} characters long; use at least ${MIN_LENGTH}`,
            'or let rolecall make one up: rolecall console hash-password --generate',
          );
        const passwordHash = await hashPassword(password);
        if (globals.json) return printJson({ passwordHash, ...(opts.generate ? { password } : {}) });
        if (opts.generate) say(`password (shown once): ${password}`);
        await writeStdout(`${passwordHash}\n`);
      }),
    );
}
