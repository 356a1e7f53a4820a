export { Cursor, type Position, type StepperSource } from './cursor.ts';
export { runStepper, traceFileSource, type StepperIo } from './run.ts';
export { StepSession } from './session.ts';
export { formatSpan, formatTime, parseTime } from './time.ts';
