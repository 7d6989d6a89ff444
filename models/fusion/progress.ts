/** A dependency-free progress bar on stderr (plain lines when stderr is not a TTY). */
export function progressBar(quiet: boolean | undefined, label: string, total: number) {
  if (quiet) return { update(_d: number, _e = "") {}, done(_e = "") {} };
  const tty = process.stderr.isTTY;
  const t0 = performance.now();
  let lastLine = 0;
  return {
    update(done: number, extra = "") {
      const frac = Math.min(1, done / total);
      const width = 28;
      const bar = "█".repeat(Math.round(frac * width)).padEnd(width, "░");
      const el = (performance.now() - t0) / 1000;
      const eta = frac > 0 ? el / frac - el : 0;
      const line = `${label} ${bar} ${String(done).padStart(String(total).length)}/${total} ${el.toFixed(0)}s eta ${eta.toFixed(0)}s ${extra}`;
      if (tty) process.stderr.write(`\r${line}\x1b[K`);
      else if (performance.now() - lastLine > 5000 || done === total) {
        process.stderr.write(line + "\n");
        lastLine = performance.now();
      }
    },
    done(extra = "") {
      if (tty) process.stderr.write("\n");
      if (extra) process.stderr.write(`${label} ${extra}\n`);
    },
  };
}
