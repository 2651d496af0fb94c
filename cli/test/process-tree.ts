/**
 * Test helpers that read the process table from /proc: which processes descend from a pid,
 * and whether a pid is still alive.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Every live descendant of `root` (children, their children, ...), read from /proc. */
export function descendantsOf(root: number): number[] {
  const childrenOf = new Map<number, number[]>();
  for (const [pid, ppid] of parentLinks()) {
    childrenOf.set(ppid, [...(childrenOf.get(ppid) ?? []), pid]);
  }

  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const children = childrenOf.get(pid) ?? [];
    found.push(...children);
    queue.push(...children);
  }
  return found;
}

/** True while `pid` names a process that has not exited (a zombie counts as exited). */
export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

function parentLinks(): Array<[pid: number, ppid: number]> {
  const links: Array<[number, number]> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) links.push([Number(entry), stat.ppid]);
  }
  return links;
}

/** Fields 3 and 4 of /proc/<pid>/stat; the command name before them may hold spaces. */
function readStat(pid: number): { state: string; ppid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid) };
}
