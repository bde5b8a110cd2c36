// agents/: the JSON Schema of an inventory report as agents send it (published at
// GET /api/inventory/schema), and the validator the report endpoint runs it through. The
// schema is the one definition: the validator interprets this same object, so what is
// published and what is enforced cannot drift apart. It uses a small subset of JSON Schema
// 2020-12 (type, properties, required, additionalProperties: false, minProperties, items,
// maxItems, minLength, maxLength, pattern, enum, minimum, maximum, format: date-time), which is
// all a report needs, so no schema library is pulled in for it.
//
// The body is the InventoryReport that the SSH collector produces for the same machine, field
// for field, without `source` (the server sets it: agent) and with an optional `agent` naming
// the script and its version. Free text is capped here and cleaned once more by ingest.
import { DEVICE_TYPES } from '../devices/device.entity';
import { HARDWARE_KINDS } from '../devices/hardware-component.entity';
import { FieldError } from '../common/validation';
import { isCalendarDay } from '../common/calendar';
import { isStorableDate, STORABLE_DATES_TEXT } from '../common/dto-fields';

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: false;
  minProperties?: number;
  items?: JsonSchema;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  format?: 'date-time';
}

const text = (maxLength: number, description?: string): JsonSchema => ({ type: 'string', maxLength, ...(description ? { description } : {}) });
/** The largest INT UNSIGNED, the column of every count but a capacity (a BIGINT). */
const MAX_UINT32 = 4_294_967_295;
const count = (description?: string, maximum = MAX_UINT32): JsonSchema => ({ type: 'integer', minimum: 0, maximum, ...(description ? { description } : {}) });
const MAC = '^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$';
// an IPv4 or IPv6 address, without a prefix length or zone; ingest checks it once more
const IP = '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]{2,45})$';

/**
 * The most addresses a report's interfaces may list in all. The schema's own limits (4,096
 * interfaces × 64 addresses) allow 262,144, which no machine has: a busy hypervisor or a router
 * with every VLAN carries hundreds, so 16,384 is far past any real one, and an absurd report is
 * a 400 instead of minutes of the API's time.
 */
export const MAX_REPORT_ADDRESSES = 16_384;

/** Agents run on computers: a report names one of these platforms. */
export const AGENT_PLATFORMS = ['linux', 'macos', 'windows', 'other'] as const;

export const REPORT_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:teknisi:inventory-report:1',
  title: 'Teknisi inventory report',
  description: 'What an endpoint agent POSTs to /api/inventory/reports: the machine as it sees itself.',
  type: 'object',
  additionalProperties: false,
  required: ['identity'],
  properties: {
    agent: {
      type: 'object', additionalProperties: false, required: ['name', 'version'], description: 'the agent that sent the report, for the server log',
      properties: { name: text(64), version: text(32) },
    },
    collectedAt: { type: 'string', format: 'date-time', maxLength: 40, description: `when the agent collected it (UTC), ${STORABLE_DATES_TEXT}; a time in the future counts as now` },
    identity: {
      type: 'object', additionalProperties: false, minProperties: 1,
      description: 'what identifies the machine: serial, then MACs, then hostname with an address',
      properties: {
        hostname: text(255, 'short host name'),
        fqdn: text(255),
        serial: text(255, 'chassis / BIOS serial'),
        macs: { type: 'array', maxItems: 256, items: { type: 'string', pattern: MAC }, description: "MACs of the machine's own (not virtual) interfaces" },
        addresses: { type: 'array', maxItems: 256, items: { type: 'string', maxLength: 45, pattern: IP }, description: "IPv4 addresses of the machine's own interfaces" },
        machineId: text(128, "the OS installation's id (/etc/machine-id, Windows' MachineGuid), also sent as a hardware entry; finds the device of a report without serial and MACs (WMI or lsblk failed) by host name. Ignored unless 32 hex digits or a GUID"),
      },
    },
    device: {
      type: 'object', additionalProperties: false,
      properties: {
        type: { type: 'string', enum: DEVICE_TYPES },
        platform: { type: 'string', enum: AGENT_PLATFORMS },
        vendor: text(255),
        model: text(255),
        osFamily: text(32),
        osName: text(255),
        osVersion: text(128),
      },
    },
    hardware: {
      type: 'array', maxItems: 1024,
      description: "CPUs (one per socket), total memory, disks, and the OS's machine id as {kind: other, name: machine-id, serial}",
      items: {
        type: 'object', additionalProperties: false, required: ['kind'],
        properties: {
          kind: { type: 'string', enum: HARDWARE_KINDS },
          name: text(255), manufacturer: text(255), model: text(255), serial: text(128),
          capacityBytes: count('bytes', Number.MAX_SAFE_INTEGER), speedMhz: count(), cores: count(), slot: text(64),
        },
      },
    },
    interfaces: {
      type: 'array', maxItems: 4096,
      description: `the machine's network interfaces; their addresses at most ${MAX_REPORT_ADDRESSES.toLocaleString('en')} in all`,
      items: {
        type: 'object', additionalProperties: false, required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 128 },
          description: text(255),
          ifIndex: count(),
          mac: { type: 'string', pattern: MAC },
          speedMbps: count(),
          mtu: count(),
          adminStatus: text(16),
          operStatus: text(32),
          addresses: { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 45, pattern: IP } },
        },
      },
    },
    software: {
      type: 'array', maxItems: 20_000, description: 'installed packages and programs; absent when the agent could not read the list',
      items: {
        type: 'object', additionalProperties: false, required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 255 },
          version: text(128),
          publisher: text(255),
          architecture: text(32),
          installDate: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' },
        },
      },
    },
  },
};

/** The report schema as an OpenAPI 3.0 schema object (which has no $schema or $id). */
export function reportSchemaForOpenApi(): Record<string, unknown> {
  const { $schema: _s, $id: _i, ...rest } = REPORT_SCHEMA;
  return rest as Record<string, unknown>;
}

/** Stop collecting after this many problems: one report with 20,000 bad names needs no 20,000-line answer. */
const MAX_ERRORS = 20;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 date-time, and a real day of its month (Date.parse takes 2030-02-31 for March 3rd). */
function isDateTime(v: string): boolean {
  if (!DATE_TIME.test(v) || Number.isNaN(Date.parse(v))) return false;
  const [y, m, d] = v.slice(0, 10).split('-').map(Number);
  return isCalendarDay(y, m, d);
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const A_TYPE: Record<NonNullable<JsonSchema['type']>, string> = {
  object: 'an object', array: 'an array', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false',
};

/** The problems of `value` against `schema`, each naming its field as a path (software[3].name); [] when valid. */
export function validateAgainst(schema: JsonSchema, value: unknown, root = 'report'): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ field, messages: [message] });
  };
  const patterns = new Map<string, RegExp>();
  const walk = (s: JsonSchema, v: unknown, at: string): void => {
    if (errors.length >= MAX_ERRORS) return;
    const t = typeOf(v);
    switch (s.type) {
      case 'object': {
        if (t !== 'object') return fail(at, `must be ${A_TYPE.object}, not ${t}`);
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o);
        if (s.minProperties && keys.length < s.minProperties) fail(at, `must have at least ${s.minProperties} propert${s.minProperties === 1 ? 'y' : 'ies'}`);
        for (const k of s.required ?? []) if (o[k] === undefined) fail(join(at, k), 'is required');
        for (const k of keys) {
          // own keys only: "__proto__" or "constructor" in a report must not find Object's members
          const sub = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
          if (sub) walk(sub, o[k], join(at, k));
          else if (s.additionalProperties === false) fail(join(at, k), 'is not a field of the report (see GET /api/inventory/schema)');
        }
        return;
      }
      case 'array': {
        if (t !== 'array') return fail(at, `must be ${A_TYPE.array}, not ${t}`);
        const a = v as unknown[];
        if (s.maxItems !== undefined && a.length > s.maxItems) return fail(at, `must have at most ${s.maxItems} items, not ${a.length}`);
        if (s.items) for (let i = 0; i < a.length && errors.length < MAX_ERRORS; i++) walk(s.items, a[i], `${at}[${i}]`);
        return;
      }
      case 'string': {
        if (t !== 'string') return fail(at, `must be ${A_TYPE.string}, not ${t}`);
        const str = v as string;
        if (s.minLength !== undefined && str.length < s.minLength) return fail(at, s.minLength === 1 ? 'must not be empty' : `must be at least ${s.minLength} characters`);
        if (s.maxLength !== undefined && str.length > s.maxLength) return fail(at, `must be at most ${s.maxLength} characters, not ${str.length}`);
        if (s.enum && !s.enum.includes(str)) return fail(at, `must be one of ${s.enum.join(', ')}`);
        if (s.pattern) {
          const re = patterns.get(s.pattern) ?? new RegExp(s.pattern, 'u');
          patterns.set(s.pattern, re);
          if (!re.test(str)) return fail(at, `must match ${s.pattern}`);
        }
        if (s.format === 'date-time' && !isDateTime(str)) return fail(at, 'must be an ISO 8601 date and time, e.g. 2030-01-31T12:00:00Z');
        if (s.format === 'date-time' && !isStorableDate(new Date(str))) return fail(at, `must be ${STORABLE_DATES_TEXT}`);
        return;
      }
      case 'integer':
      case 'number': {
        if (t !== 'number' || !Number.isFinite(v as number)) return fail(at, `must be ${A_TYPE[s.type]}, not ${t}`);
        const n = v as number;
        if (s.type === 'integer' && !Number.isInteger(n)) return fail(at, `must be ${A_TYPE.integer}`);
        if (s.minimum !== undefined && n < s.minimum) return fail(at, `must be at least ${s.minimum}`);
        if (s.maximum !== undefined && n > s.maximum) return fail(at, `must be at most ${s.maximum}`);
        return;
      }
      case 'boolean':
        if (t !== 'boolean') fail(at, `must be ${A_TYPE.boolean}, not ${t}`);
        return;
      default:
        return;
    }
  };
  walk(schema, value, root);
  return errors;
}

const join = (at: string, key: string) => (at ? `${at}.${key}` : key);

/**
 * The report's problems, with fields named from the report's top (identity.macs[0], not
 * report.identity…); past the schema, the one limit it cannot say: the interfaces' addresses
 * in all (MAX_REPORT_ADDRESSES).
 */
export function validateReport(body: unknown): FieldError[] {
  const problems = validateAgainst(REPORT_SCHEMA, body, '').map((e) => ({ ...e, field: e.field || 'body' }));
  if (problems.length) return problems;
  const interfaces = (body as { interfaces?: Array<{ addresses?: string[] }> }).interfaces ?? [];
  const addresses = interfaces.reduce((n, i) => n + (i.addresses?.length ?? 0), 0);
  if (addresses > MAX_REPORT_ADDRESSES) {
    return [{ field: 'interfaces', messages: [`must list at most ${MAX_REPORT_ADDRESSES} addresses in all, not ${addresses}`] }];
  }
  return [];
}
