#pragma once
// `spool exec-runtime`: the runtime behind functions of runtime "exec". It speaks the Lambda
// Runtime API to AWS_LAMBDA_RUNTIME_API and, for each invocation, runs LAMBDA_TASK_ROOT/_HANDLER
// with the event JSON on stdin; what the program writes to stdout is the result, what it
// writes to stderr goes to the function's log; a non-zero exit (or a signal) is a function
// error ("Function.ExitError"). The program also gets AWS_LAMBDA_REQUEST_ID,
// AWS_LAMBDA_DEADLINE_MS and _X_AMZN_TRACE_ID in its environment.
//
// Returns the process exit status (1 when the Runtime API cannot be reached).

namespace spool::workers {

int RunExecRuntime();

}  // namespace spool::workers
