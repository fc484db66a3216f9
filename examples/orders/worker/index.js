// handle-order: the orders demo's worker, a Lambda handler for SQS batches (it runs unchanged on
// AWS Lambda). Each record is one order; an order above MAX_QUANTITY fails every time, so its
// message is retried and finally lands in orders-dlq. Failed orders are reported one by one
// (ReportBatchItemFailures), so the other orders of the batch are not retried.

const MAX_QUANTITY = Number(process.env.MAX_QUANTITY || "50");
const SHIPPING = ["standard", "express", "pickup"];

exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try {
      const order = JSON.parse(record.body);
      if (!(order.quantity <= MAX_QUANTITY)) {
        throw new Error(`quantity ${order.quantity} is above ${MAX_QUANTITY}`);
      }
      const shipping = SHIPPING[order.quantity % SHIPPING.length];
      console.log(JSON.stringify({ event: "order_processed", id: order.id, name: order.name,
        product: order.productId, quantity: order.quantity, shipping }));
      console.log(`confirmation sent to ${order.name} for order ${order.id} (${shipping})`);
    } catch (err) {
      console.error(JSON.stringify({ event: "order_failed", messageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount, error: err.message }));
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
