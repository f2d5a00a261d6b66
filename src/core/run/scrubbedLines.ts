/**
 * Scrubs a stream (the agent's stderr) line by line. A secret split across two
 * chunks matches neither chunk, so chunks are joined into whole lines first;
 * only complete lines (or an over-long remainder) are scrubbed and passed on.
 */
const MAX_PENDING = 64 * 1024;

export class ScrubbedLines {
  private pending = '';
  constructor(private readonly scrub: (s: string) => string, private readonly emit: (line: string) => void) {}

  push(chunk: string): void {
    this.pending += chunk;
    const nl = this.pending.lastIndexOf('\n');
    if (nl >= 0) {
      const whole = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      for (const line of this.scrub(whole).split('\n')) if (line.trim()) this.emit(line);
    }
    if (this.pending.length > MAX_PENDING) this.flush();
  }

  flush(): void {
    const rest = this.pending;
    this.pending = '';
    if (rest.trim()) this.emit(this.scrub(rest));
  }
}
