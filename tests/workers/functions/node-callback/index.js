// Callback style. Handler: index.handler. The response (a partial batch response for bodies
// containing "fail") is posted once the timer has run, as callbackWaitsForEmptyEventLoop
// defaults to true.
exports.handler = (event, context, callback) => {
  setTimeout(() => console.log('timer done'), 100);
  const failures = event.Records.filter((record) => record.body.includes('fail'))
    .map((record) => ({ itemIdentifier: record.messageId }));
  callback(null, { batchItemFailures: failures });
};
