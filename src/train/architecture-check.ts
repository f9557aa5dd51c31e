// train/architecture-check.ts: validates an Architecture and infers every node's output shape
// without tfjs, so a bad candidate fails with an ArchitectureError naming the node instead of
// a tfjs stack trace. Also fills in op defaults, so that layer ids see one spelling per layer.

import type { Activation, Architecture, LayerOp } from './architecture.js';
import { ArchitectureError } from './errors.js';

/** Names the builder gives the model's own input, head and the flatten it may add before it. */
export const kInputNode = 'input';
const kOutputNode = 'output';
const kOutputFlattenNode = 'output-flatten';
const kReserved = new Set([kInputNode, kOutputNode, kOutputFlattenNode]);

const kActivations = new Set<Activation>(['linear', 'relu', 'tanh', 'sigmoid', 'softmax', 'elu', 'selu', 'swish']);

/** One node after checking: its op with defaults filled in and its output shape. */
export interface CheckedNode {
  name: string;
  op: LayerOp;
  inputs: string[];
  shape: number[];
}

/** The checked nodes of `arch`, each with the shape of its first input (for counting costs). */
export function nodesWithInputShape(arch: Architecture): Array<{ node: CheckedNode; input: number[] }> {
  const nodes = checkArchitecture(arch);
  const shapeOf = new Map<string, number[]>([[kInputNode, arch.inputShape]]);
  return nodes.map((node) => {
    const input = shapeOf.get(node.inputs[0] ?? '') ?? [];
    shapeOf.set(node.name, node.shape);
    return { node, input };
  });
}

/** Checks `arch` and returns its nodes in order, with the flatten and head the builder adds. */
export function checkArchitecture(arch: Architecture): CheckedNode[] {
  if (arch === null || typeof arch !== 'object') fail('architecture must be an object');
  const inputShape = arch.inputShape;
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every(isPositiveInt)) {
    fail('inputShape must be a non-empty list of positive integers', { inputShape });
  }
  if (!Array.isArray(arch.nodes)) fail('nodes must be a list');
  const head = arch.output;
  if (!head || !isPositiveInt(head.units) || (head.task !== 'classification' && head.task !== 'regression')) {
    fail("output must be { units: positive integer, task: 'classification' | 'regression' }", { output: head });
  }
  const shapes = new Map<string, number[]>([[kInputNode, [...inputShape]]]);
  // The model input leads the list; its op is a placeholder (builder and ids key on its name).
  const checked: CheckedNode[] = [{ name: kInputNode, op: { op: 'identity' }, inputs: [], shape: [...inputShape] }];
  for (const node of arch.nodes) {
    if (!node || typeof node.name !== 'string' || node.name.length === 0) fail('every node needs a non-empty name');
    if (kReserved.has(node.name)) fail(`node name '${node.name}' is reserved`, { node: node.name });
    if (shapes.has(node.name)) fail(`node name '${node.name}' is used twice`, { node: node.name });
    if (!Array.isArray(node.inputs) || node.inputs.length === 0) fail(`node '${node.name}' has no inputs`, { node: node.name });
    const inputShapes = node.inputs.map((input) => {
      const shape = shapes.get(input);
      if (!shape) fail(`node '${node.name}' reads '${input}', which is not an earlier node`, { node: node.name, input });
      return shape;
    });
    const op = withDefaults(node.name, node.op);
    const shape = outputShape(node.name, op, inputShapes);
    shapes.set(node.name, shape);
    checked.push({ name: node.name, op, inputs: [...node.inputs], shape });
  }
  const last = shapes.get(arch.outputFrom);
  if (!last) fail(`outputFrom '${arch.outputFrom}' is not a node`, { outputFrom: arch.outputFrom });
  checkAllReachOutput(checked, arch.outputFrom);
  let headInput = arch.outputFrom;
  if (last.length > 1) {
    // The head is a dense layer over a vector; a flatten is implied, and gets the id an
    // explicit flatten in the same place would get.
    checked.push({ name: kOutputFlattenNode, op: { op: 'flatten' }, inputs: [headInput], shape: [product(last)] });
    headInput = kOutputFlattenNode;
  }
  const activation: Activation = head.task === 'classification' ? 'softmax' : 'linear';
  checked.push({ name: kOutputNode, op: { op: 'dense', units: head.units, activation }, inputs: [headInput], shape: [head.units] });
  return checked;
}

function checkAllReachOutput(nodes: CheckedNode[], outputFrom: string): void {
  const used = new Set<string>([outputFrom]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (used.has(nodes[i].name)) for (const input of nodes[i].inputs) used.add(input);
  }
  for (const node of nodes) {
    if (!used.has(node.name)) fail(`node '${node.name}' does not lead to the output`, { node: node.name });
  }
}

function withDefaults(name: string, op: LayerOp): LayerOp {
  if (!op || typeof op !== 'object') fail(`node '${name}' has no op`, { node: name });
  const activation = (a: Activation | undefined): Activation => {
    const value = a ?? 'linear';
    if (!kActivations.has(value)) fail(`node '${name}': unknown activation '${value}'`, { node: name });
    return value;
  };
  const positive = (field: string, value: unknown): number => {
    if (!isPositiveInt(value)) fail(`node '${name}': ${field} must be a positive integer`, { node: name, field, value });
    return value as number;
  };
  switch (op.op) {
    case 'dense':
      return { op: 'dense', units: positive('units', op.units), activation: activation(op.activation) };
    case 'conv1d':
    case 'conv2d': {
      const padding = op.padding ?? 'valid';
      if (padding !== 'same' && padding !== 'valid') fail(`node '${name}': padding must be 'same' or 'valid'`, { node: name });
      return {
        op: op.op,
        filters: positive('filters', op.filters),
        kernelSize: positive('kernelSize', op.kernelSize),
        strides: positive('strides', op.strides ?? 1),
        padding,
        activation: activation(op.activation),
      };
    }
    case 'maxpool1d':
    case 'avgpool1d':
    case 'maxpool2d':
    case 'avgpool2d':
      return { op: op.op, poolSize: positive('poolSize', op.poolSize) };
    case 'dropout':
      if (typeof op.rate !== 'number' || !(op.rate >= 0 && op.rate < 1)) {
        fail(`node '${name}': dropout rate must be in [0, 1)`, { node: name, rate: op.rate });
      }
      return { op: 'dropout', rate: op.rate };
    case 'activation':
      return { op: 'activation', activation: activation(op.activation) };
    case 'reshape':
      if (!Array.isArray(op.targetShape) || !op.targetShape.every(isPositiveInt)) {
        fail(`node '${name}': targetShape must be a list of positive integers`, { node: name });
      }
      return { op: 'reshape', targetShape: [...op.targetShape] };
    case 'batchnorm':
    case 'flatten':
    case 'identity':
    case 'add':
    case 'concatenate':
      return { op: op.op };
    default:
      return fail(`node '${name}': unknown op '${(op as { op: unknown }).op}'`, { node: name });
  }
}

function outputShape(name: string, op: LayerOp, inputs: number[][]): number[] {
  const merge = op.op === 'add' || op.op === 'concatenate';
  if (merge ? inputs.length < 2 : inputs.length !== 1) {
    fail(`node '${name}': ${op.op} takes ${merge ? 'two or more inputs' : 'exactly one input'}`, { node: name });
  }
  const [x] = inputs;
  const rank = (wanted: number, what: string): void => {
    if (x.length !== wanted) fail(`node '${name}': ${op.op} needs ${what} input, got shape [${x}]`, { node: name, shape: x });
  };
  switch (op.op) {
    case 'dense':
      return [...x.slice(0, -1), op.units];
    case 'conv1d':
      rank(2, 'a [steps, channels]');
      return [...convolve(name, x.slice(0, 1), op.kernelSize, op.strides ?? 1, op.padding ?? 'valid'), op.filters];
    case 'conv2d':
      rank(3, 'a [height, width, channels]');
      return [...convolve(name, x.slice(0, 2), op.kernelSize, op.strides ?? 1, op.padding ?? 'valid'), op.filters];
    case 'maxpool1d':
    case 'avgpool1d':
      rank(2, 'a [steps, channels]');
      return [...convolve(name, x.slice(0, 1), op.poolSize, op.poolSize, 'valid'), x[1]];
    case 'maxpool2d':
    case 'avgpool2d':
      rank(3, 'a [height, width, channels]');
      return [...convolve(name, x.slice(0, 2), op.poolSize, op.poolSize, 'valid'), x[2]];
    case 'flatten':
      return [product(x)];
    case 'reshape':
      if (product(op.targetShape) !== product(x)) {
        fail(`node '${name}': cannot reshape [${x}] to [${op.targetShape}]`, { node: name, shape: x });
      }
      return [...op.targetShape];
    case 'add':
      for (const other of inputs) {
        if (!sameShape(other, x)) fail(`node '${name}': add needs equal shapes, got [${x}] and [${other}]`, { node: name });
      }
      return [...x];
    case 'concatenate': {
      let last = 0;
      for (const other of inputs) {
        if (other.length !== x.length || !sameShape(other.slice(0, -1), x.slice(0, -1))) {
          fail(`node '${name}': concatenate needs shapes equal but for the last axis, got [${x}] and [${other}]`, { node: name });
        }
        last += other[other.length - 1];
      }
      return [...x.slice(0, -1), last];
    }
    default:
      return [...x];
  }
}

function convolve(name: string, spatial: number[], kernel: number, stride: number, padding: 'same' | 'valid'): number[] {
  return spatial.map((size) => {
    const out = padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1;
    if (out < 1) fail(`node '${name}': window ${kernel} is larger than its input (${size})`, { node: name });
    return out;
  });
}

function isPositiveInt(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new ArchitectureError(message, { details });
}
