// bench/transfer.ts: transfer against scratch, the claim graft exists for (CLUSTER'21). For
// every cell (dataset × space) and seed it runs the same search (seed, space, budget) with
// `--transfer none` and with each donor rule, all as `node dist/main.js …` child processes;
// then `graft pairs` on every transferred run (each candidate that loaded layers against its
// scratch twin: the primary statistic), `graft topk` on the default rule's first-seed run (K
// distinct models from checkpoint and from scratch), and a search warm-started with
// `--donors-from` that run. It prints per cell and rule the paired test (Wilcoxon signed-rank,
// median gain with a bootstrap 95% interval, share helped, by fraction transferred), the time
// to reach the scratch runs' median final best, the whole-search comparison (secondary: it
// treats candidates as independent), the top-K table, and a last RESULT line.
//
//   npm run bench:transfer -- [--quick] [--out DIR] [--reuse] [--seeds N] [--cells data/space,…]
//                             [--rules a,b] [--default-rule R] [--ranks N]

import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { kJournalFile, readJournal } from 'graft/nas';
import { readRun, type Run } from 'graft/report';
import { graft, requireCommands } from './transfer-runner.js';
import { printCell, printResult, type CellResult } from './transfer-report.js';

type Rule = 'prefix' | 'parent' | 'shape' | 'partial';

/** The rule `graft search` uses by default: the top-K and warm-start runs use it unless --default-rule says otherwise. */
const kDefaultRule: Rule = 'shape';
const kRules: readonly Rule[] = ['prefix', 'parent', 'shape', 'partial'];

interface Budget {
  maxEvals: number;
  population: number;
  sample: number;
  /** Mutation position weight (position+1)^beta: 1 favours later nodes, keeping longer transferable prefixes (EvoStore). */
  beta: number;
  epochs: number;
  trainSize: number;
  valSize: number;
  actorsPerRank: number;
}

export interface Plan {
  cells: Array<{ data: string; space: string }>;
  seeds: number[];
  rules: Rule[];
  /** The rule of the top-K and warm-start runs, and of the RESULT line. */
  defaultRule: Rule;
  budget: Record<string, Budget>;
  topk: { k: number; maxEpochs: number; patience: number };
  /** Warm-start the first cell's next search from its default-rule run. */
  warmStart: boolean;
  /** Seconds any one child process may run before it is killed. */
  childTimeout: number;
  /** Keep runs already in --out instead of running them again. */
  reuse: boolean;
  /** MPI ranks per search (1: a plain process); the other phases run in one process. */
  ranks: number;
}

// Budgets sized for a 2-core machine: short trainings, where a better start shows. The CNN
// space gets fewer evaluations (convolutions are slower) but 2 epochs each.
const kBudgets: Record<string, Budget> = {
  'mnist-mlp': { maxEvals: 40, population: 10, sample: 4, beta: 1, epochs: 1, trainSize: 4096, valSize: 1024, actorsPerRank: 2 },
  'mnist-cnn': { maxEvals: 20, population: 6, sample: 3, beta: 1, epochs: 2, trainSize: 2048, valSize: 512, actorsPerRank: 2 },
};

const kFull: Plan = {
  cells: [
    { data: 'mnist', space: 'mnist-mlp' },
    { data: 'fashion-mnist', space: 'mnist-mlp' },
    { data: 'mnist', space: 'mnist-cnn' },
    { data: 'fashion-mnist', space: 'mnist-cnn' },
  ],
  seeds: [1, 2, 3],
  rules: [...kRules],
  defaultRule: kDefaultRule,
  budget: kBudgets,
  topk: { k: 5, maxEpochs: 30, patience: 3 },
  warmStart: true,
  childTimeout: 3600,
  reuse: false,
  ranks: 1,
};

// A few minutes here: one cell, one seed, the default rule. 60 candidates on 2,048 images give
// some 35 transferred new architectures: 30 candidates gave 17 and p 0.007, too close to 0.01.
const kQuick: Plan = {
  cells: [{ data: 'mnist', space: 'mnist-mlp' }],
  seeds: [1],
  rules: [kDefaultRule],
  defaultRule: kDefaultRule,
  budget: { ...kBudgets, 'mnist-mlp': { maxEvals: 60, population: 10, sample: 3, beta: 1, epochs: 1, trainSize: 2048, valSize: 512, actorsPerRank: 2 } },
  topk: { k: 3, maxEpochs: 20, patience: 2 },
  warmStart: true,
  childTimeout: 600,
  reuse: false,
  ranks: 1,
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      seeds: { type: 'string' },
      cells: { type: 'string' },
      rules: { type: 'string' },
      'default-rule': { type: 'string' },
      reuse: { type: 'boolean', default: false },
      ranks: { type: 'string' },
    },
  });
  const plan: Plan = { ...(values.quick ? kQuick : kFull), reuse: values.reuse };
  if (values.ranks !== undefined) plan.ranks = positiveInt(values.ranks, '--ranks');
  if (values.seeds !== undefined) plan.seeds = Array.from({ length: positiveInt(values.seeds, '--seeds') }, (_, i) => i + 1);
  if (values.cells !== undefined) {
    plan.cells = values.cells.split(',').map((c) => {
      const [data, space] = c.split('/');
      if (!data || !space || !plan.budget[space]) fail(`--cells: '${c}' is not DATA/SPACE with a space of ${Object.keys(plan.budget).join(', ')}`);
      return { data, space };
    });
  }
  const rule = (r: string, flag: string): Rule => (kRules.includes(r as Rule) ? (r as Rule) : fail(`${flag}: unknown rule '${r}' (known: ${kRules.join(', ')})`));
  if (values['default-rule'] !== undefined) plan.defaultRule = rule(values['default-rule'], '--default-rule');
  if (values.rules !== undefined) plan.rules = values.rules.split(',').map((r) => rule(r, '--rules'));
  if (!plan.rules.includes(plan.defaultRule)) plan.rules.unshift(plan.defaultRule);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outRoot = resolve(values.out ?? join('runs', `bench-transfer-${stamp}`));

  await requireCommands(['search', 'pairs', 'topk']);
  console.log(
    `transfer vs scratch: ${values.quick ? 'quick' : 'full'} run, cells ${plan.cells.map((c) => `${c.data}/${c.space}`).join(', ')}, ` +
      `seeds ${plan.seeds.join(', ')}, rules ${plan.rules.join(', ')} (default ${plan.defaultRule}), ${plan.ranks} rank(s), top-${plan.topk.k}`,
  );
  console.log(`runs in ${outRoot}\n`);

  const results: CellResult[] = [];
  for (const [i, cell] of plan.cells.entries()) results.push(await runCell(cell, plan, join(outRoot, cell.data, cell.space), i === 0 && plan.warmStart));
  for (const r of results) printCell(r, plan, plan.defaultRule);
  printResult(results, plan.defaultRule);
}

function searchArgs(space: string, data: string, b: Budget, seed: number, transfer: string, out: string): string[] {
  return [
    'search', '--space', space, '--data', data,
    '--max-evals', String(b.maxEvals), '--population', String(b.population), '--sample', String(b.sample), '--beta', String(b.beta),
    '--epochs', String(b.epochs), '--train-size', String(b.trainSize), '--val-size', String(b.valSize),
    '--actors-per-rank', String(b.actorsPerRank), '--transfer', transfer, '--seed', String(seed), '--out', out, '--no-progress',
  ];
}

/** Runs a phase unless --reuse finds it done; logs how long it took. */
async function phase(what: string, done: () => boolean, plan: Plan, run: () => Promise<number>): Promise<void> {
  if (plan.reuse && done()) {
    console.log(`  ${what}: reusing`);
    return;
  }
  console.log(`  ${what}: done in ${(await run()).toFixed(1)} s`);
}

async function runCell(cell: { data: string; space: string }, plan: Plan, root: string, warmStart: boolean): Promise<CellResult> {
  const b = plan.budget[cell.space]!;
  const modes = ['none', ...plan.rules];
  const runs: Record<string, Run[]> = {};
  const label = `${cell.data}/${cell.space}`;
  for (const seed of plan.seeds) {
    for (const mode of modes) {
      const dir = join(root, `seed-${seed}`, mode);
      await phase(`${label} seed ${seed} ${mode}: search`, () => searchDone(dir, b.maxEvals), plan, () => {
        // A search cut short (a killed benchmark) starts again from nothing.
        rmSync(dir, { recursive: true, force: true });
        return graft(searchArgs(cell.space, cell.data, b, seed, mode, dir), dir, plan.childTimeout, plan.ranks);
      });
      if (mode !== 'none') {
        await phase(`${label} seed ${seed} ${mode}: pairs`, () => false, plan, () => graft(['pairs', dir, '--actors-per-rank', String(b.actorsPerRank)], dir, plan.childTimeout));
      }
      (runs[mode] ??= []).push(await readRun(dir, mode));
    }
  }
  const topkDir = join(root, `seed-${plan.seeds[0]}`, plan.defaultRule);
  const k = plan.topk;
  await phase(`${label} top-${k.k}`, () => false, plan, () =>
    graft(['topk', topkDir, '--k', String(k.k), '--max-epochs', String(k.maxEpochs), '--patience', String(k.patience), '--actors-per-rank', String(b.actorsPerRank)], topkDir, plan.childTimeout * 2),
  );
  const topk = await readRun(topkDir, plan.defaultRule);
  let warm: CellResult['warm'];
  if (warmStart) {
    const dir = join(root, `warm-start-${plan.defaultRule}`);
    const seed = plan.seeds[0]! + 100;
    await phase(`${label} warm start from ${topkDir}`, () => searchDone(dir, b.maxEvals), plan, () => {
      rmSync(dir, { recursive: true, force: true });
      return graft([...searchArgs(cell.space, cell.data, b, seed, plan.defaultRule, dir), '--donors-from', topkDir], dir, plan.childTimeout, plan.ranks);
    });
    warm = { earlier: topk, warm: await readRun(dir, 'warm start') };
  }
  console.log('');
  return { data: cell.data, space: cell.space, runs, topk, warm, budget: b };
}

/** Whether DIR holds a search that recorded all its candidates. */
function searchDone(dir: string, maxEvals: number): boolean {
  if (!existsSync(join(dir, kJournalFile))) return false;
  return readJournal(join(dir, kJournalFile)).records.filter((r) => r.kind === 'evaluation' || r.kind === 'failure').length >= maxEvals;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

function fail(message: string): never {
  console.error(`bench:transfer: ${message}`);
  process.exit(2);
}

main().catch((err: unknown) => {
  console.error(`bench:transfer: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
