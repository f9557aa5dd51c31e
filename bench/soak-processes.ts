// bench/soak-processes.ts: finds the processes of one soak by a token in their environment
// (mpirun passes its environment to every rank it starts), with each one's MPI rank, so the
// soak can kill a chosen rank and, after a job, find any graft process left behind. Linux
// only: it reads /proc.

import { readdirSync, readFileSync } from 'node:fs';

export const kSoakTokenVar = 'GRAFT_SOAK_TOKEN';

export interface SoakProcess {
  pid: number;
  /** OMPI_COMM_WORLD_RANK (or PMI_RANK), or null for a process that is not a rank (mpirun). */
  rank: number | null;
  command: string;
}

/** Every live process whose environment holds `token` (zombies left out: they are gone but unreaped). */
export function soakProcesses(token: string): SoakProcess[] {
  const found: SoakProcess[] = [];
  const needle = `${kSoakTokenVar}=${token}`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!env.includes(needle)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const rankVar = env.find((v) => v.startsWith('OMPI_COMM_WORLD_RANK=') || v.startsWith('PMI_RANK='));
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid, rank: rankVar ? Number(rankVar.split('=')[1]) : null, command });
    } catch {
      // The process ended while it was read, or is not ours to read.
    }
  }
  return found;
}

/** The rank processes of the current job, by rank. */
export function rankProcesses(token: string): Map<number, number> {
  const ranks = new Map<number, number>();
  for (const p of soakProcesses(token)) if (p.rank !== null) ranks.set(p.rank, p.pid);
  return ranks;
}

/** Processes with `token` still alive after `graceMs`; each is then killed, and returned. */
export async function leftBehind(token: string, graceMs: number): Promise<SoakProcess[]> {
  const deadline = Date.now() + graceMs;
  let left = soakProcesses(token);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = soakProcesses(token);
  }
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  return left;
}
