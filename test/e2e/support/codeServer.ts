// The code-server launcher is product code (npm run demo opens the recorded run in it); the e2e tests use the same one.
export * from '../../../src/cli/codeServer';
