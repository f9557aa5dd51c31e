// train/architecture.ts: the in-memory architecture description that the model builder
// takes and the NAS layer produces: ordered nodes, each an op with its config and the names
// of its inputs, so skip connections are expressible. Pure data, JSON-serialisable.

export type Activation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softmax' | 'elu' | 'selu' | 'swish';

export type LayerOp =
  | { op: 'dense'; units: number; activation?: Activation }
  | { op: 'conv1d'; filters: number; kernelSize: number; strides?: number; padding?: 'same' | 'valid'; activation?: Activation }
  | { op: 'conv2d'; filters: number; kernelSize: number; strides?: number; padding?: 'same' | 'valid'; activation?: Activation }
  | { op: 'maxpool1d' | 'avgpool1d'; poolSize: number }
  | { op: 'maxpool2d' | 'avgpool2d'; poolSize: number }
  | { op: 'dropout'; rate: number }
  | { op: 'batchnorm' }
  | { op: 'activation'; activation: Activation }
  | { op: 'flatten' }
  | { op: 'reshape'; targetShape: number[] }
  | { op: 'identity' }
  | { op: 'add' }
  | { op: 'concatenate' };

export interface ArchNode {
  /** Name unique within the architecture; other nodes list it in `inputs`. */
  name: string;
  op: LayerOp;
  /** Names of input nodes; 'input' is the model input. Merges ('add', 'concatenate') take 2+. */
  inputs: string[];
}

export type TaskKind = 'classification' | 'regression';

export interface Architecture {
  /** Shape of one sample, without the batch dimension (e.g. [28, 28, 1] or [784]). */
  inputShape: number[];
  /** Nodes in topological order: each node's inputs come before it. */
  nodes: ArchNode[];
  /** The name of the node feeding the output head. */
  outputFrom: string;
  /** The output head: `units` classes (softmax) or regression targets (linear). */
  output: { units: number; task: TaskKind };
}
