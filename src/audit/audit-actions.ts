// audit/: the names the audit log records. `@Audit(action, objectType)` takes only these, so a
// new audited route adds its name here, and GET /api/audit/actions hands the same list to the
// audit page's filter suggestions (audit-actions.spec.ts checks the list against the decorators).

/** Every action the server records: the @Audit names, and the queue board's writes (src/admin/queue-board.ts). */
export const AUDIT_ACTIONS = [
  'auth.login', 'auth.logout',
  'user.create', 'user.update', 'user.delete',
  'token.create', 'token.revoke',
  'agent-token.create', 'agent-token.revoke',
  'credential.create', 'credential.update', 'credential.delete',
  'device.create', 'device.update', 'device.retire', 'device.import', 'device.bulk-tag',
  'device.merge', 'device.distinct', 'device.distinct.remove', 'device.rescan',
  'saved-filter.create', 'saved-filter.update', 'saved-filter.delete',
  'scan.start', 'scan.cancel',
  'scan-schedule.create', 'scan-schedule.update', 'scan-schedule.delete', 'scan-schedule.run',
  'ssh-host-key.forget', 'ssh-host-key.accept',
  'job.create', 'job.update', 'job.run', 'job.run.cancel', 'job.cancel', 'job.pause', 'job.resume',
  'window.create', 'window.update', 'window.delete',
  'config.backup', 'config.baseline', 'config.baseline.delete', 'config.remediate',
  'config.rule.create', 'config.rule.update', 'config.rule.delete',
  'config.normalization.create', 'config.normalization.update', 'config.normalization.delete',
  'queues.post', 'queues.put', 'queues.patch', 'queues.delete',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Every kind of object an audit entry names. */
export const AUDIT_OBJECT_TYPES = [
  'user', 'token', 'agent-token', 'credential', 'device', 'saved-filter', 'scan', 'scan-schedule', 'ssh-host-key',
  'job', 'window', 'baseline', 'rule', 'normalization-rule', 'queue',
] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];
