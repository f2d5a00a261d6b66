export { NemoClawDriver, type NemoClawDriverOptions, type RestoreOptions } from './driver';
export { NemoClawError, type NemoClawErrorKind } from './errors';
export { forkRecoverySandbox, type RecoveryFork } from './recovery';
export { recoverySandboxName, sshHostAlias } from './commands';
export type { SnapshotInfo } from './parse';
