// Load-time and run-time failures of scenarios. Load errors carry a source position
// so an editor can jump to them; run-time failures carry the virtual time.

/** One problem in a scenario file, printed as `file:line:column: message`. */
export class ScenarioIssue extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = 'ScenarioIssue';
  }
}

/** Every problem found while loading one scenario file; `message` lists them one per line. */
export class ScenarioLoadError extends Error {
  constructor(readonly issues: readonly ScenarioIssue[]) {
    super(issues.map((i) => i.message).join('\n'));
    this.name = 'ScenarioLoadError';
  }
}

/** A step saw something other than what it expected (as opposed to the world throwing). */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepFailure';
  }
}
