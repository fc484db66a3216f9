// An ES module (package.json "type": "module"). Handlers: index.handler, index.partial.

export const handler = async (event) => {
  for (const record of event.Records) {
    const body = JSON.parse(record.body);
    console.log(body);
  }
};

export const partial = async (event) => ({
  batchItemFailures: event.Records.filter((record) => record.body.includes('fail'))
    .map((record) => ({ itemIdentifier: record.messageId })),
});
