/**
 * Progress of a long run on stderr: one line per step, and for counted work a line that is
 * rewritten in place on a terminal (every 10% otherwise), so a run never looks stuck.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr) {
  const t0 = performance.now();
  const tty = stream.isTTY === true;
  let scenario = '';
  let open = false; // a rewritable line is on screen
  const stamp = () => `[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s]`;
  const endLine = () => {
    if (open) stream.write('\n');
    open = false;
  };

  return {
    scenario(name: string) {
      endLine();
      scenario = name;
      stream.write(`${stamp()} ── ${name}\n`);
    },
    step(text: string) {
      endLine();
      stream.write(`${stamp()}    ${text}\n`);
    },
    /** A counter for `total` units of work: call the result with the number done so far. */
    counter(text: string, total: number) {
      let lastTenth = -1;
      return (done: number) => {
        const line = `${stamp()}    ${text} ${done}/${total}`;
        if (tty) {
          stream.write(`\r${line}`);
          open = true;
          if (done >= total) endLine();
          return;
        }
        const tenth = Math.floor((done / total) * 10);
        if (tenth !== lastTenth) {
          lastTenth = tenth;
          stream.write(`${line}\n`);
        }
      };
    },
    get current() {
      return scenario;
    },
  };
}
export type Progress = ReturnType<typeof createProgress>;
