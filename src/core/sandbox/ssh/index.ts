export { SshTransport, commandScript, type SshTransportOptions, type RemoteExecOptions } from './transport';
export { SshError, classifySshStderr, type SshErrorKind } from './errors';
export { shellQuote, shellJoin } from './quote';
export { LocalRunner, SshRunner, type HostRunner } from './host-runner';
export { RemoteSandboxDriver, type RemoteSandboxDriverOptions, type RemoteCommand } from './remote-driver';
