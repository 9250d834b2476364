/** Step Functions' names and ARNs, as the commands check them (no SDK here: local commands use them too). */
export const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[\w-]{1,80}$/;
export const EXECUTION_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:execution:[\w-]{1,80}:[\w-]{1,80}$/;
/** Step Functions execution names: 1 to 80 letters, digits, `-` or `_`. */
export const EXECUTION_NAME = /^[\w-]{1,80}$/;
