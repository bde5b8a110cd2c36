// jobs/drivers: the host side of software.install / uninstall / upgrade, for the jobs runner.
export * from './types';
export { validatePackageName, MAX_PACKAGE_NAME } from './names';
export { pickManager } from './pick';
export type { DeviceFacts } from './pick';
export { runSoftwareTask, DRIVERS } from './run';
export { LOG_CAP } from './host';
