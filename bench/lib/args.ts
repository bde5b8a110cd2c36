// bench/: command-line flags with environment fallbacks. `--devices 5000`, `--devices=5000`
// and BENCH_DEVICES=5000 are the same; a bare `--reuse` is true.
export interface FlagSpec {
  name: string;
  help: string;
  default?: string;
  boolean?: boolean;
}

export class Flags {
  private readonly values = new Map<string, string>();

  constructor(private readonly specs: FlagSpec[], argv: string[]) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i];
      const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
      if (!m) throw new Error(`Unexpected argument "${arg}" (flags look like --name value)`);
      const spec = specs.find((s) => s.name === m[1]);
      if (!spec) throw new Error(`Unknown flag --${m[1]}. Known:\n${Flags.usage(specs)}`);
      if (m[2] !== undefined) this.values.set(spec.name, m[2]);
      else if (spec.boolean) this.values.set(spec.name, argv[i + 1] === 'false' || argv[i + 1] === 'true' ? argv[++i] : 'true');
      else if (i + 1 < argv.length) this.values.set(spec.name, argv[++i]);
      else throw new Error(`--${spec.name} needs a value`);
    }
  }

  static usage(specs: FlagSpec[]): string {
    return specs
      .map((s) => `  --${s.name}${s.boolean ? '' : ' <value>'}  ${s.help}${s.default !== undefined ? ` (default ${s.default})` : ''}  [env ${envName(s.name)}]`)
      .join('\n');
  }

  /** Flag, else BENCH_<NAME> from the environment, else the default. */
  raw(name: string): string | undefined {
    const spec = this.specs.find((s) => s.name === name);
    if (!spec) throw new Error(`flag ${name} is not declared`);
    const env = process.env[envName(name)];
    return this.values.get(name) ?? (env !== undefined && env !== '' ? env : spec.default);
  }

  str(name: string): string {
    const v = this.raw(name);
    if (v === undefined) throw new Error(`--${name} is required`);
    return v;
  }

  opt(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, min = 0): number {
    const v = this.str(name).replace(/_/g, '');
    if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`--${name} must be a whole number >= ${min} (got "${v}")`);
    return Number(v);
  }

  bool(name: string): boolean {
    const v = (this.raw(name) ?? 'false').toLowerCase();
    return v === 'true' || v === '1' || v === 'yes';
  }

  /** The flags that differ from their defaults, as a command line. */
  explicit(): string[] {
    const out: string[] = [];
    for (const s of this.specs) {
      const v = this.raw(s.name);
      if (v === undefined || v === s.default) continue;
      out.push(s.boolean ? (v === 'true' ? `--${s.name}` : `--${s.name}=${v}`) : `--${s.name} ${/^[\w.:/-]+$/.test(v) ? v : JSON.stringify(v)}`);
    }
    return out;
  }
}

export function envName(flag: string): string {
  return `BENCH_${flag.toUpperCase().replace(/-/g, '_')}`;
}
