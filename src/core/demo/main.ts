import { startDemoModel } from './server';

/**
 * Standalone entry: `npx tsx src/core/demo/main.ts [scenario] [port]` serves
 * the demo model until interrupted and prints its base URL.
 */
async function main(): Promise<void> {
  const [scenario = 'deny-and-recover', port] = process.argv.slice(2);
  const m = await startDemoModel({ scenario, port: port ? Number(port) : undefined });
  process.stdout.write(`demo model "${scenario}" at ${m.baseUrl} (model ${m.model})\n`);
  const stop = () => void m.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
