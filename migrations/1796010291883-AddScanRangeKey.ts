// Discovery: a scan is compared with the previous completed scan of its range through one indexed
// key (the targets and exclusions in any order, the credentials, the SNMP and SSH ports) instead
// of a walk back over every earlier scan comparing their targets as text, which read all of them
// for a scan never repeated, and missed a range given in another order. Scans stored before
// this get their key here, so a rescan still finds them.
import { createHash } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** scanRangeKey (src/discovery/scan.entity.ts) as it was when this was written: a migration does not change with the code */
function rangeKey(targets: string[], exclude: string[] | null, credentialIds: number[], options: { snmpPort?: number; sshPort?: number }): string {
  const set = (xs: string[]) => [...new Set(xs.map((x) => x.trim().toLowerCase()))].sort();
  const key = [set(targets), set(exclude ?? []), [...new Set(credentialIds)].sort((a, b) => a - b), options.snmpPort ?? null, options.sshPort ?? null];
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}

export class AddScanRangeKey1796010291883 implements MigrationInterface {
  name = 'AddScanRangeKey1796010291883';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`scans\` ADD \`range_key\` char(64) NULL`);
    await queryRunner.query(`CREATE INDEX \`IDX_27db11f2c30a61f581f9691766\` ON \`scans\` (\`range_key\`, \`status\`, \`id\`)`);
    for (let after = 0; ; ) {
      const rows: Array<{ id: string; targets: string; exclude: string | null; creds: string; options: string }> = await queryRunner.query(
        'SELECT id, targets, exclude, credential_ids AS creds, options FROM scans WHERE id > ? ORDER BY id LIMIT 1000',
        [after],
      );
      if (!rows.length) break;
      const keyed = rows.map((r) => [Number(r.id), rangeKey(JSON.parse(r.targets), r.exclude ? JSON.parse(r.exclude) : null, JSON.parse(r.creds), JSON.parse(r.options))] as const);
      await queryRunner.query(`UPDATE scans s JOIN (${keyed.map(() => 'SELECT ? AS id, ? AS k').join(' UNION ALL ')}) v ON v.id = s.id SET s.range_key = v.k`, keyed.flat());
      after = keyed[keyed.length - 1][0];
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`IDX_27db11f2c30a61f581f9691766\` ON \`scans\``);
    await queryRunner.query(`ALTER TABLE \`scans\` DROP COLUMN \`range_key\``);
  }
}
