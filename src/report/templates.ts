import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { packagePath } from '../util/package-root.js';

/**
 * The one Handlebars instance for reports: private (no global helpers or partials), strict (a missing field
 * throws), known helpers only (just the built-ins: if, unless, each, with). Only template files from the repo
 * are compiled, once, on first use. Views are validated with zod before rendering, because strict mode does
 * not notice a missing field under {{#if}} or {{#each}}.
 */

const hb = Handlebars.create();

const HTML_OPTIONS: CompileOptions = {
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: {},
  noEscape: false,
  preventIndent: true,
};

/** Plain text: nothing to escape, and escaping would leak `&amp;` into the text part. */
const TEXT_OPTIONS: CompileOptions = { ...HTML_OPTIONS, noEscape: true };

export const TEMPLATES_DIR = packagePath('templates');

export type TemplateName = 'report/report.html' | 'email/digest.html' | 'email/digest.txt';

const cache = new Map<TemplateName, Handlebars.TemplateDelegate>();
let partialsLoaded = false;

function isText(name: string): boolean {
  return name.endsWith('.txt') || name.endsWith('.subject');
}

function loadPartials(): void {
  if (partialsLoaded) return;
  for (const group of ['report', 'email']) {
    const dir = join(TEMPLATES_DIR, group, 'partials');
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.hbs')) continue;
      const name = file.slice(0, -'.hbs'.length);
      const source = readFileSync(join(dir, file), 'utf8');
      // Partials are compiled with the same strict options as the templates using them.
      hb.registerPartial(name, hb.compile(source, isText(name) ? TEXT_OPTIONS : HTML_OPTIONS));
    }
  }
  partialsLoaded = true;
}

function compiled(name: TemplateName): Handlebars.TemplateDelegate {
  const hit = cache.get(name);
  if (hit) return hit;
  loadPartials();
  const source = readFileSync(join(TEMPLATES_DIR, `${name}.hbs`), 'utf8');
  const template = hb.compile(source, isText(name) ? TEXT_OPTIONS : HTML_OPTIONS);
  cache.set(name, template);
  return template;
}

/** Renders a repo template with a plain-JSON view (never class instances: Handlebars denies their getters). */
export function renderTemplate(name: TemplateName, view: object): string {
  return compiled(name)(view, {
    allowProtoPropertiesByDefault: false,
    allowProtoMethodsByDefault: false,
  });
}

/** Compiles every template up front (tests; and servers that want start-up failures rather than late ones). */
export function compileAll(): void {
  const names: TemplateName[] = ['report/report.html', 'email/digest.html', 'email/digest.txt'];
  loadPartials();
  for (const name of names) {
    const source = readFileSync(join(TEMPLATES_DIR, `${name}.hbs`), 'utf8');
    // precompile runs the full compiler (syntax and knownHelpersOnly checks) that compile() defers to first use.
    hb.precompile(source, isText(name) ? TEXT_OPTIONS : HTML_OPTIONS);
  }
}
