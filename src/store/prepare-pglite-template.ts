/**
 * `node dist/src/store/prepare-pglite-template.js`: makes the embedded store's empty-database template now, in the
 * shared cache folder (say, while building an image), so that no process later has to run initdb for it.
 */
import { prepareSharedTemplate } from './pglite-template.js';

const made = await prepareSharedTemplate();
if ('problem' in made) {
  process.stderr.write(`rolecall: could not prepare the empty embedded database: ${made.problem}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`${made.dir}\n`);
}
