// configs/: golden templates — the configuration a device should have, written once with
// Handlebars placeholders (`hostname {{hostname}}`) and rendered per device.
import Handlebars from 'handlebars';

/**
 * Its own Handlebars environment: no helpers registered by anyone else, and without `log`
 * (which writes to the console). The block helpers `if`, `unless`, `each`, `with` and `lookup`
 * stay; calling any other helper is refused when the template is compiled. Prototype
 * properties and methods stay out of reach (Handlebars' default since 4.6, also set below).
 */
const hbs = Handlebars.create();
hbs.unregisterHelper('log');

const COMPILE_OPTIONS: CompileOptions = { noEscape: true, strict: false, knownHelpersOnly: true, knownHelpers: { log: false } };
type CompileOptions = Parameters<typeof Handlebars.compile>[1];
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };

const MAX_CACHED = 500;
const cache = new Map<string, Handlebars.TemplateDelegate>();

function templateError(err: unknown): Error {
  const e = err as Error & { lineNumber?: number };
  const line = e.lineNumber ?? Number(/on line (\d+)/.exec(e.message)?.[1] ?? NaN);
  const where = Number.isFinite(line) ? `template line ${line}` : 'template';
  return new Error(`${where}: ${e.message.replace(/ - \d+:\d+$/, '')}`);
}

/**
 * Renders a template with the variables (see templateVars). Configurations are not HTML, so
 * nothing is escaped; a variable that is not set renders as nothing. Compiled templates are
 * kept by their text. A template error (syntax, an unknown helper, `#each` without a list)
 * throws an Error that names the template line where Handlebars knows it.
 */
export function renderTemplate(template: string, vars: Record<string, unknown>): string {
  let fn = cache.get(template);
  if (!fn) {
    const problem = validateTemplate(template);
    if (problem) throw new Error(problem);
    fn = hbs.compile(template, COMPILE_OPTIONS);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(template, fn);
  }
  try {
    return fn(vars, RUNTIME_OPTIONS);
  } catch (err) {
    throw templateError(err);
  }
}

/** Why a template cannot be rendered (the parser's message, with its line), or null. */
export function validateTemplate(text: string): string | null {
  try {
    hbs.precompile(text, COMPILE_OPTIONS); // parses and compiles, runs nothing
    return null;
  } catch (err) {
    return templateError(err).message;
  }
}

/** What templateVars reads from a device (the Device entity and its relations fit). */
export interface TemplateDevice {
  hostname?: string | null;
  primaryIp?: string | null;
  platform?: string | null;
  tags?: (string | { name: string })[] | null;
  serial?: string | null;
  model?: string | null;
  vendor?: string | null;
  location?: string | null;
  addresses?: { ip: string | null; mac?: string | null; interfaceName?: string | null }[] | null;
}

/**
 * The variables a template sees for one device:
 *   hostname, primaryIp, platform, serial, model, vendor, location — strings, '' when unknown
 *   tags          — the tag names, in order: {{#each tags}}…{{/each}}
 *   tag           — each tag name as a key set to true: {{#if tag.core}}…{{/if}}, {{#if (lookup tag "dc-1")}}
 *   addresses     — [{ ip, mac, interface }] for the addresses with an IP
 *   addressOn     — interface name → IP: {{addressOn.[GigabitEthernet0/0/1]}}
 */
export function templateVars(device: TemplateDevice): Record<string, unknown> {
  const text = (v: string | null | undefined) => v ?? '';
  const tags = (device.tags ?? []).map((t) => (typeof t === 'string' ? t : t.name));
  const addresses = (device.addresses ?? [])
    .filter((a) => a.ip)
    .map((a) => ({ ip: a.ip as string, mac: text(a.mac), interface: text(a.interfaceName) }));
  const addressOn: Record<string, string> = {};
  for (const a of addresses) if (a.interface && !(a.interface in addressOn)) addressOn[a.interface] = a.ip;
  return {
    hostname: text(device.hostname),
    primaryIp: text(device.primaryIp),
    platform: text(device.platform),
    serial: text(device.serial),
    model: text(device.model),
    vendor: text(device.vendor),
    location: text(device.location),
    tags,
    tag: Object.fromEntries(tags.map((t) => [t, true])),
    addresses,
    addressOn,
  };
}
