/** A progress bar on stderr: redrawn in place on a terminal, a line every 10% otherwise. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): { update(done: number, total: number, note?: string): void; end(note?: string): void } {
  const t0 = Date.now();
  let lastTenth = -1;
  const tty = stream.isTTY === true;
  const line = (done: number, total: number, note = '') => {
    const f = total > 0 ? Math.min(1, done / total) : 0;
    const width = 28;
    const full = Math.round(f * width);
    const secs = Math.round((Date.now() - t0) / 1000);
    return `${label} [${'█'.repeat(full)}${'░'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)}%  ${done}/${total} frames  ${secs}s${note ? `  ${note}` : ''}`;
  };
  return {
    update(done, total, note) {
      if (tty) stream.write(`\r${line(done, total, note)}\x1b[K`);
      else {
        const tenth = total > 0 ? Math.floor((10 * done) / total) : 0;
        if (tenth !== lastTenth) {
          lastTenth = tenth;
          stream.write(`${line(done, total, note)}\n`);
        }
      }
    },
    end(note) {
      if (tty) stream.write(`\n${note ? `${note}\n` : ''}`);
      else if (note) stream.write(`${note}\n`);
    },
  };
}
