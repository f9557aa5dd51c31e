// test/nas/journal.test.ts: the journal survives a torn last line, and refuses a file that is
// not a journal; results.csv is rebuilt from it.

import { expect } from 'chai';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, JournalError, ResultsCsv, readJournal, type JournalRecord } from 'graft/nas';

const proposal = (id: number): JournalRecord => ({ kind: 'proposal', id, choices: [id, 1], parent: null, at: id });

describe('journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'graft-journal-'));
  });

  it('reads back what was appended, and cuts a torn last line off before appending again', () => {
    const file = join(dir, 'journal.jsonl');
    const j = new Journal(file);
    j.append(proposal(0));
    j.append(proposal(1));
    j.close();
    appendFileSync(file, '{"kind":"proposal","id":2,"ar');
    const read = readJournal(file);
    expect(read.records.map((r) => (r as { id: number }).id)).to.deep.equal([0, 1]);
    const again = new Journal(file, read.validLength);
    again.append(proposal(2));
    again.close();
    expect(readJournal(file).records.map((r) => (r as { id: number }).id)).to.deep.equal([0, 1, 2]);
  });

  it('refuses a bad line before the end, and a missing file', () => {
    const file = join(dir, 'journal.jsonl');
    writeFileSync(file, JSON.stringify(proposal(0)) + '\nnot json\n' + JSON.stringify(proposal(1)) + '\n');
    expect(() => readJournal(file)).to.throw(JournalError);
    expect(() => readJournal(join(dir, 'none.jsonl'))).to.throw(JournalError);
  });

  it('refuses a record of the wrong shape, naming its line and field', () => {
    const file = join(dir, 'shape.jsonl');
    writeFileSync(file, JSON.stringify(proposal(0)) + '\n' + JSON.stringify({ kind: 'proposal', id: 1, choices: 'oops', parent: null, at: 0 }) + '\n');
    try {
      readJournal(file);
      expect.fail('expected a JournalError');
    } catch (err) {
      expect(err).to.be.instanceOf(JournalError);
      expect((err as JournalError).details).to.include({ line: 2, field: 'choices' });
    }
    writeFileSync(file, JSON.stringify({ kind: 'evaluation', id: 0, choices: [1], parent: null }) + '\n');
    expect(() => readJournal(file)).to.throw(JournalError);
  });

  it('rebuilds results.csv with one row per result', () => {
    const records: JournalRecord[] = [
      proposal(0),
      { kind: 'failure', id: 0, choices: [0, 1], parent: null, error: { name: 'E', code: 'X', message: 'm' }, attempts: 3, finishedAt: 2 },
    ];
    const csv = new ResultsCsv(join(dir, 'results.csv'), records);
    const lines = readFileSync(csv.file, 'utf8').trim().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^id,arch_seq,/);
    expect(lines[1]).to.match(/^0,"\[0, 1\]",/);
  });
});
