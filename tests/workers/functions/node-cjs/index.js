// CommonJS fixtures. Handlers: index.handler, index.partial, index.throws, index.hangs,
// index.exits.

// Lambda's documented shape: log each record's parsed body, return nothing.
exports.handler = async (event) => {
  for (const record of event.Records) {
    const body = JSON.parse(record.body);
    console.log(body);
  }
};

// Partial batch response: the records whose body contains "fail".
exports.partial = async (event) => ({
  batchItemFailures: event.Records.filter((record) => record.body.includes('fail'))
    .map((record) => ({ itemIdentifier: record.messageId })),
});

exports.throws = async () => {
  throw new Error('fixture failure');
};

// Never resolves. The interval keeps the event loop busy: with an empty loop the runtime
// would post null on its own (as aws-lambda-ric does).
exports.hangs = () => new Promise(() => setInterval(() => {}, 1000));

exports.exits = async () => {
  process.exit(3);
};
