// test/cluster/submit-job.test.ts: submitJobScript() and parseJobId(): each scheduler's answer
// gives its job id, and a scheduler that never answers ends the call with a TimeoutError
// instead of leaving it pending.

import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeoutError } from 'graft';
import { parseJobId, submitJobScript } from 'graft/cluster';

const fakeBin = new URL('../../../test/fixtures/cluster/bin', import.meta.url).pathname;

describe('parseJobId()', () => {
  it("reads each scheduler's answer", () => {
    expect(parseJobId('slurm', 'Submitted batch job 123456\n')).to.equal('123456');
    expect(parseJobId('slurm', 'sbatch: note: site banner\nSubmitted batch job 77 on cluster perlmutter\n')).to.equal('77');
    expect(parseJobId('pbs', '2087451.polaris-pbs-01.hsn.cm.polaris.alcf.anl.gov\n')).to.equal('2087451.polaris-pbs-01.hsn.cm.polaris.alcf.anl.gov');
    expect(parseJobId('pbs', '4401[].server\n')).to.equal('4401[].server');
    expect(parseJobId('lsf', 'Job <31337> is submitted to queue <batch>.\n')).to.equal('31337');
  });

  it('finds no id in an answer without one', () => {
    expect(parseJobId('slurm', 'sbatch: error: Batch job submission failed\n')).to.equal(undefined);
    expect(parseJobId('pbs', 'qsub: Unknown queue\n')).to.equal(undefined);
    expect(parseJobId('lsf', 'Request aborted by esub.\n')).to.equal(undefined);
  });
});

describe('submitJobScript()', () => {
  let root: string;
  let script: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'graft-submitjob-'));
    script = join(root, 'job.sh');
    writeFileSync(script, '#!/bin/bash\n#SBATCH --nodes=1\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: `${fakeBin}:${process.env.PATH}`,
    FAKE_SCHEDULER_LOG: join(root, 'log'),
    ...extra,
  });

  it('resolves with the job id and the answer', async () => {
    const job = await submitJobScript('slurm', script, { env: env() });
    expect(job).to.deep.equal({ jobId: '4242', answer: 'Submitted batch job 4242\n' });
  });

  it('rejects with TimeoutError when the scheduler never answers', async () => {
    const err = await submitJobScript('pbs', script, { env: env({ FAKE_SCHEDULER_HANG: '1' }), timeoutMs: 200 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(TimeoutError);
    expect((err as TimeoutError).code).to.equal('ERR_TIMEOUT');
  });
});
