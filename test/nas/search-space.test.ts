// test/nas/search-space.test.ts: search spaces: JSON validation naming the bad field, the
// built-ins, and vectors turned into architectures with skips merged and projected.

import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import {
  SearchSpaceError,
  builtinSpaces,
  checkSpaceFits,
  parseSearchSpace,
  readSearchSpaceFile,
  resolveSearchSpace,
  toArchitecture,
  variablesOf,
  Random,
} from 'graft/nas';
import { checkArchitecture } from 'graft/train';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/nas/${name}`, import.meta.url));

function expectSpaceError(fn: () => unknown, path?: string): SearchSpaceError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(SearchSpaceError);
    expect((err as SearchSpaceError).code).to.equal('ERR_SEARCH_SPACE');
    if (path !== undefined) expect((err as SearchSpaceError).details.path).to.equal(path);
    return err as SearchSpaceError;
  }
  throw new Error('expected a SearchSpaceError');
}

describe('search spaces', () => {
  it('rejects a bad file, naming the path of the bad field', () => {
    const err = expectSpaceError(() => readSearchSpaceFile(fixture('bad-space.json')), '$.nodes[1].ops[1].units');
    expect(err.message).to.contain('$.nodes[1].ops[1].units');
  });

  it('rejects a file that is not JSON and a file that does not exist', () => {
    expectSpaceError(() => readSearchSpaceFile(fixture('../../nas/search-space.test.ts')), '$');
    expectSpaceError(() => readSearchSpaceFile(fixture('missing.json')));
  });

  it('rejects unknown ops, fields and bad skip rules', () => {
    expectSpaceError(() => parseSearchSpace({ name: 'x', nodes: [{ ops: [{ op: 'lstm' }] }] }), '$.nodes[0].ops[0].op');
    expectSpaceError(() => parseSearchSpace({ name: 'x', nodes: [{ ops: [{ op: 'dense', units: 3, unit: 4 }] }] }), '$.nodes[0].ops[0].unit');
    expectSpaceError(() => parseSearchSpace({ name: 'x', nodes: [] }), '$.nodes');
    // Absurd sizes are refused at the door, not by every candidate failing later.
    expectSpaceError(() => parseSearchSpace({ name: 'x', nodes: [{ ops: [{ op: 'dense', units: 1e12 }] }] }), '$.nodes[0].ops[0].units');
    expectSpaceError(() => parseSearchSpace({ name: 'x', nodes: [{ ops: [{ op: 'conv2d', filters: 8, kernelSize: 1000 }] }] }), '$.nodes[0].ops[0].kernelSize');
    expectSpaceError(() => parseSearchSpace({ name: 'x', nodes: [{ ops: [{ op: 'dense', units: 3 }] }], skips: { merge: 'mul', maxDistance: 1 } }), '$.skips.merge');
    // Pooling changes the spatial shape, which skips cannot merge.
    expectSpaceError(
      () => parseSearchSpace({ name: 'x', nodes: [{ ops: [{ op: 'maxpool2d', poolSize: 2 }] }], skips: { merge: 'add', maxDistance: 1 } }),
      '$.nodes[0].ops[0]',
    );
  });

  it('accepts every built-in as JSON and resolves names and files', () => {
    for (const space of Object.values(builtinSpaces)) {
      expect(parseSearchSpace(JSON.parse(JSON.stringify(space)))).to.deep.equal(space);
    }
    expect(resolveSearchSpace('mnist-cnn').name).to.equal('mnist-cnn');
    expect(resolveSearchSpace(fixture('tiny-space.json')).name).to.equal('tiny');
    expectSpaceError(() => resolveSearchSpace('mnist-mpl'));
  });

  it('checks a space against the data shape before any work', () => {
    checkSpaceFits(builtinSpaces['mnist-cnn']!, [784]);
    checkSpaceFits(builtinSpaces['mnist-cnn']!, [28, 28, 1]);
    expectSpaceError(() => checkSpaceFits(builtinSpaces['mnist-cnn']!, [10]));
    const conv = parseSearchSpace({ name: 'c', nodes: [{ ops: [{ op: 'conv1d', filters: 2, kernelSize: 3 }] }] });
    expectSpaceError(() => checkSpaceFits(conv, [12]));
    checkSpaceFits(conv, [12, 1]);
  });

  it('turns vectors into architectures whose skips merge, projected when widths differ', () => {
    const space = parseSearchSpace({
      name: 'p',
      nodes: [
        { name: 'a', ops: [{ op: 'dense', units: 4 }] },
        { name: 'b', ops: [{ op: 'dense', units: 6 }, { op: 'identity' }] },
      ],
      skips: { merge: 'add', maxDistance: 2 },
    });
    // Variables: a.op, a.skip(1 = input), b.op, b.skip(1 = a), b.skip(2 = input).
    expect(variablesOf(space).map((v) => `${v.node}${v.kind}${v.distance}`)).to.deep.equal(['0op0', '0skip1', '1op0', '1skip1', '1skip2']);
    const data = { inputShape: [5], output: { units: 3, task: 'classification' as const } };
    const arch = toArchitecture(space, [0, 0, 0, 1, 1], data);
    const names = arch.nodes.map((n) => n.name);
    expect(names).to.deep.equal(['a', 'b', 'b_proj_a', 'b_proj_input', 'b_add']);
    expect(arch.nodes.find((n) => n.name === 'b_add')!.inputs).to.deep.equal(['b', 'b_proj_a', 'b_proj_input']);
    expect(arch.outputFrom).to.equal('b_add');
    // Identity adds no layer; a skip from the node it passes through is no skip at all.
    const plain = toArchitecture(space, [0, 0, 1, 1, 0], data);
    expect(plain.nodes.map((n) => n.name)).to.deep.equal(['a']);
    expectSpaceError(() => toArchitecture(space, [0, 0, 2, 0, 0], data));
  });

  it('gives every built-in valid, deterministic architectures for random vectors', () => {
    const rng = new Random(7);
    const shapes: Record<string, number[]> = { 'mnist-mlp': [28, 28, 1], 'mnist-cnn': [784], attn: [40], synthetic: [8] };
    for (const [name, space] of Object.entries(builtinSpaces)) {
      for (let k = 0; k < 20; k++) {
        const vec = variablesOf(space).map((v) => rng.int(v.choices));
        const data = { inputShape: shapes[name]!, output: { units: 2, task: 'classification' as const } };
        const arch = toArchitecture(space, vec, data);
        expect(arch).to.deep.equal(toArchitecture(space, vec, data));
        // The model builder's own check (shapes, merges, reachability) accepts it.
        expect(() => checkArchitecture(arch)).to.not.throw();
      }
    }
  });
});
