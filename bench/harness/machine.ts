/** What the numbers were measured on, printed above the table and stored with them. */
import { cpus, totalmem, availableParallelism, release } from 'node:os';
import { execFileSync } from 'node:child_process';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  /** Whether `taskset` can pin processes to cores here. */
  taskset: boolean;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function describeMachine(): Machine {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
    taskset: hasTaskset(),
  };
}

export function machineLine(m: Machine): string {
  const pinning = m.taskset && m.nproc >= 2 ? 'server pinned to core 0, load and mock on core 1' : 'no pinning (taskset missing or one core)';
  return `${m.nproc} CPU (${m.cpuModel}), ${m.memoryGiB} GiB RAM, Node ${m.node}, Linux ${m.kernel}; ${pinning}`;
}
