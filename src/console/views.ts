import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { packagePath } from '../util/package-root.js';

/**
 * The console's own Handlebars instance (private, strict, built-in helpers only), like the report's: templates
 * come from templates/console/ only and are compiled once. View models are plain JSON built in code; the only
 * raw HTML a template inserts is SVG from src/report/charts and the page body rendered here.
 */

const DIR = packagePath('templates', 'console');
const OPTIONS: CompileOptions = { strict: true, knownHelpersOnly: true, knownHelpers: {}, preventIndent: true };

export type PageName = 'login' | 'overview' | 'team' | 'archive' | 'analyse' | 'run' | 'deliveries' | 'message';

const hb = Handlebars.create();
const cache = new Map<string, Handlebars.TemplateDelegate>();

function compiled(name: string): Handlebars.TemplateDelegate {
  let template = cache.get(name);
  if (!template) {
    template = hb.compile(readFileSync(join(DIR, `${name}.html.hbs`), 'utf8'), OPTIONS);
    cache.set(name, template);
  }
  return template;
}

const run = (name: string, view: object) =>
  compiled(name)(view, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });

export interface NavItem {
  href: string;
  label: string;
  current: boolean;
}

export interface LayoutView {
  title: string;
  /** Absent on the sign-in page. */
  user?: { name: string; role: string; csrf: string };
  nav: NavItem[];
  /** Pages with live progress load the one script. */
  script: boolean;
}

/** A full page: the page's template inside the layout. */
export function renderPage(name: PageName, layout: LayoutView, view: object): string {
  return run('layout', { ...layout, bodyHtml: run(name, view) });
}

let css: string | undefined;
/** The report's styles plus the console's own, served as one stylesheet. */
export function consoleCss(): string {
  css ??=
    readFileSync(packagePath('templates', 'report', 'partials', 'report-styles.hbs'), 'utf8') +
    readFileSync(join(DIR, 'console.css'), 'utf8');
  return css;
}

let script: string | undefined;
/** The live progress of a run: the console's only script. */
export function progressScript(): string {
  script ??= readFileSync(join(DIR, 'progress.js'), 'utf8');
  return script;
}
