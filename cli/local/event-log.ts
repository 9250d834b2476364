import type { StateMachine } from 'aws-local-stepfunctions';

/** The engine's execution events (the package does not export their type). */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
