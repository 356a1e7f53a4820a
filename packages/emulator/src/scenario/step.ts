// The shape every scenario step shares. A step class parses its own parameters
// in a static validate(params, where) (load time) and acts in run(ctx).
import type { ScenarioContext } from './context.ts';
import type { ParamSpec } from './param-spec.ts';
import type { Params } from './params.ts';
import type { Where } from './source.ts';

export interface Step {
  /** The keyword in the file: 'publish', 'wait-relays'... */
  readonly keyword: string;
  /** Optional `name:` given to the step in the file. */
  label?: string;
  /** Source position, `file:line:column`. */
  readonly at: string;
  /** One line for reports: `publish irrigation/zone/on "2 120"`. */
  describe(): string;
  /** Reads events recorded before the step started (`since: boot`): the world must keep them. */
  readonly looksBack?: boolean;
  /** Most virtual time the step can take (delays, timeouts), for progress estimates. */
  budgetNs(): bigint;
  /** Resolves when the step passed; throws StepFailure when it saw something else. */
  run(ctx: ScenarioContext): Promise<void>;
}

export interface StepClass {
  readonly keyword: string;
  /** Shorthand key a lone value stands for (`delay: 5s`), if the step has one. */
  readonly shorthand?: string;
  /** What the step does, for reports of the language (the scenario schema's hover text). */
  readonly doc: string;
  /** Every parameter validate() may read. */
  readonly spec: ParamSpec;
  validate(params: Params, where: Where): Step;
}
