/**
 * `nemocog mirror <workspace>`: delivers the workspace's recorded runs to Arize
 * Phoenix and prints progress. Without --follow it is the backfill: everything
 * recorded so far (earlier runs included), then it exits; transient failures
 * (Phoenix down) are retried with backoff for --give-up-after seconds.
 * With --follow it stays live, as the extension runs it.
 *
 *   --endpoint URL        default $NEMOCOG_PHOENIX_ENDPOINT or http://127.0.0.1:6006
 *   --project NAME        default $NEMOCOG_PHOENIX_PROJECT or nemocognition
 *   --store DIR           the store folder (default <workspace>/.nemocognition/store)
 *   --json                one JSON status per line on stdout (machine-readable progress)
 *   --control-stdin       first stdin line: JSON {apiKey?, secrets?: string[]}; then "retry" lines
 *                         retry at once, and end of stdin stops the mirror (the extension's channel)
 *   --check               only check the endpoint (checkPhoenix) and exit
 *   --give-up-after S     backfill: stop retrying a Phoenix that stays down after S seconds (default 120)
 *   --batch-spans N, --window-records N   spans per OTLP request (200), journal records per window (2000)
 * The Phoenix API key comes from $NEMOCOG_PHOENIX_API_KEY (or --control-stdin), never from arguments;
 * $NEMOCOG_API_KEY (the model key), when set, is scrubbed from every span too.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  checkPhoenix,
  DEFAULT_PHOENIX_ENDPOINT,
  DEFAULT_PHOENIX_PROJECT,
  describeStatus,
  MirrorBusyError,
  PhoenixEndpointError,
  PhoenixError,
  PhoenixMirror,
  phoenixBaseUrl,
  phoenixTraceUrl,
  type MirrorStatus,
} from '../../core/mirror';
import { lowerPriority } from '../../core/mirror/polite';
import { excludeFromGit, storeDirFor } from '../../core/store/paths';
import { CliError } from '../errors';

interface Control {
  apiKey?: string;
  secrets: string[];
}

export async function mirrorCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      project: { type: 'string' },
      store: { type: 'string' },
      follow: { type: 'boolean' },
      json: { type: 'boolean' },
      'control-stdin': { type: 'boolean' },
      check: { type: 'boolean' },
      'give-up-after': { type: 'string', default: '120' },
      'batch-spans': { type: 'string' },
      'window-records': { type: 'string' },
    },
  });
  const workspace = resolve(positionals[0] ?? '.');
  const endpoint = values.endpoint ?? process.env.NEMOCOG_PHOENIX_ENDPOINT ?? DEFAULT_PHOENIX_ENDPOINT;
  const project = (values.project ?? process.env.NEMOCOG_PHOENIX_PROJECT ?? DEFAULT_PHOENIX_PROJECT).trim();
  try {
    phoenixBaseUrl(endpoint);
  } catch (err) {
    if (err instanceof PhoenixEndpointError) throw new CliError(err.message, 'Pass --endpoint http://<host>:<port> (Phoenix\'s base URL).');
    throw err;
  }
  if (!project || /[/?#]/.test(project)) throw new CliError(`"${project}" cannot be a Phoenix project name.`, 'Use a name without /, ? or #, e.g. --project nemocognition.');
  const control = values['control-stdin'] ? await readControl() : { secrets: [] };
  const apiKey = control.apiKey ?? (process.env.NEMOCOG_PHOENIX_API_KEY || undefined);

  if (values.check) {
    const r = await checkPhoenix(endpoint, { apiKey });
    if (values.json) console.log(JSON.stringify(r));
    else if (r.ok) console.log(`Phoenix ${r.version ?? '(version unknown)'} at ${r.endpoint}: reachable, accepts OTLP/protobuf${r.authenticated ? ', API key accepted' : ''}.`);
    else console.error(`nemocog: ${r.reason}\n  → ${r.fix}`);
    return r.ok ? 0 : 3;
  }

  const storeDir = values.store ? resolve(values.store) : storeDirFor(workspace);
  // The mirror's cursor lives beside the store: keep the folder out of git as a run would.
  if (!values.store) excludeFromGit(workspace);
  if (!values.follow && !existsSync(storeDir)) {
    throw new CliError(`No NemoCognition store in ${workspace}.`, 'Run `nemocog run` or `npm run demo -- --headless --workspace <dir>` there first.');
  }
  const secrets = [...control.secrets, process.env.NEMOCOG_API_KEY ?? ''].filter((s) => s.length > 0).map((value) => ({ value, kind: 'secret' }));
  const out = values.json ? jsonOut() : humanOut(project);
  let mirror: PhoenixMirror;
  try {
    mirror = PhoenixMirror.open({
      storeDir,
      target: { endpoint, project, ...(apiKey ? { apiKey } : {}) },
      secrets,
      ...(values['batch-spans'] ? { batchSpans: positiveInt(values['batch-spans'], '--batch-spans') } : {}),
      ...(values['window-records'] ? { windowRecords: positiveInt(values['window-records'], '--window-records') } : {}),
      ...(values.json ? { onDelivered: (spans, at) => out.delivered?.(spans.map((sp) => at - sp.endedTs)) } : {}),
      log: (level, msg) => out.log(level, msg),
      onStatus: (s) => out.status(s),
    });
  } catch (err) {
    if (err instanceof MirrorBusyError) {
      out.log('warn', err.message);
      throw new CliError(err.message, err.fix, 4);
    }
    throw err;
  }

  // Live, it is a background sink: a busy machine gives the run the CPU first (nice 19, every thread).
  // Where that is not permitted it still never blocks the run, it only competes for CPU.
  if (values.follow) lowerPriority();
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (values['control-stdin']) listenForCommands(mirror, stop);
  try {
    if (values.follow) {
      await mirror.follow(stop.signal);
      return 0;
    }
    return await backfill(mirror, out, stop.signal, Number(values['give-up-after']) * 1000, endpoint);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await mirror.close();
  }
}

/** Catch up once; transient failures (Phoenix down) are retried with backoff until `giveUpMs`. */
async function backfill(mirror: PhoenixMirror, out: Output, signal: AbortSignal, giveUpMs: number, endpoint: string): Promise<number> {
  const deadline = Date.now() + giveUpMs;
  let wait = 1000;
  for (;;) {
    try {
      await mirror.catchUp(signal);
      if (signal.aborted) return 130;
      out.done(mirror.status(), endpoint);
      return 0;
    } catch (err) {
      if (!(err instanceof PhoenixError)) throw err;
      if (!err.transient || Date.now() + wait > deadline) {
        out.failed(mirror.status(), err);
        return 3;
      }
      out.log('warn', `${err.message}; retrying in ${Math.round(wait / 1000)} s`);
      await new Promise((r) => setTimeout(r, wait));
      if (signal.aborted) return 130;
      wait = Math.min(30_000, wait * 2);
    }
  }
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`${flag} must be a positive whole number, not "${v}".`, `Pass e.g. ${flag} 100.`);
  return n;
}

interface Output {
  log(level: 'info' | 'warn' | 'error', msg: string): void;
  /** Spans confirmed, with each one's recorder-to-Phoenix lag (JSON output only). */
  delivered?(lagsMs: number[]): void;
  status(s: MirrorStatus): void;
  done(s: MirrorStatus, endpoint: string): void;
  failed(s: MirrorStatus, err: PhoenixError): void;
}

function jsonOut(): Output {
  const line = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  return {
    log: (level, message) => line({ type: 'log', level, message }),
    status: (s) => line({ type: 'status', status: s }),
    delivered: (lagsMs) => line({ type: 'delivered', count: lagsMs.length, lagMs: lagsMs }),
    done: (s) => line({ type: 'done', status: s }),
    failed: (s, err) => line({ type: 'failed', status: s, reason: err.message, fix: err.fix }),
  };
}

function humanOut(project: string): Output {
  let last = '';
  let lastAt = 0;
  const tty = process.stderr.isTTY;
  return {
    log: (level, msg) => {
      if (level !== 'info') console.error(`${tty ? '\n' : ''}${level}: ${msg}`);
    },
    status: (s) => {
      const text = `Phoenix ${s.endpoint} (project ${project}): ${describeStatus(s)}, ${s.delivered} delivered`;
      const now = Date.now();
      if (text === last || (now - lastAt < 1000 && s.state === 'catching-up')) return;
      last = text;
      lastAt = now;
      if (tty) process.stderr.write(`\r\x1b[2K${text}`);
      else console.error(text);
    },
    done: (s, endpoint) => {
      if (tty) process.stderr.write('\n');
      console.log(`Phoenix holds every ended span of this workspace (${s.delivered} delivered in total; ${s.open} still open, sent when they end).`);
      if (s.lastRunId) console.log(`Latest run: ${phoenixTraceUrl(endpoint, s.lastRunId)}`);
    },
    failed: (s, err) => {
      if (tty) process.stderr.write('\n');
      console.error(`nemocog: ${err.message} (${s.behind} span(s) not delivered yet; they stay pending)\n  → ${err.fix}`);
    },
  };
}

/** The first line of stdin: {apiKey?, secrets?}. Kept off argv and the environment of anything else. */
function readControl(): Promise<Control> {
  return new Promise((resolveControl, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      process.stdin.off('data', onData);
      process.stdin.pause();
      const rest = buf.slice(nl + 1);
      if (rest) process.stdin.unshift(Buffer.from(rest, 'utf8'));
      try {
        const j = JSON.parse(buf.slice(0, nl)) as { apiKey?: unknown; secrets?: unknown };
        resolveControl({
          ...(typeof j.apiKey === 'string' && j.apiKey ? { apiKey: j.apiKey } : {}),
          secrets: Array.isArray(j.secrets) ? j.secrets.filter((s): s is string => typeof s === 'string') : [],
        });
      } catch {
        reject(new CliError('--control-stdin expects a JSON object on the first line of stdin.', 'Send {"apiKey": "...", "secrets": ["..."]} followed by a newline.'));
      }
    };
    process.stdin.on('data', onData);
    process.stdin.once('end', () => reject(new CliError('stdin ended before the control line.', 'Send {"apiKey": ...} followed by a newline.')));
  });
}

/** "retry" → retry now; end of stdin (the extension host went away) → stop. */
function listenForCommands(mirror: PhoenixMirror, stop: AbortController): void {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (l) => {
    if (l.trim() === 'retry') mirror.retryNow();
  });
  rl.on('close', () => stop.abort());
}
