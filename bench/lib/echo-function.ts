/** The handler every latency and throughput scenario calls: it answers with the event it got. */
export const ECHO_HANDLER = `exports.handler = async (event) => event;`;

/** A 100-byte payload, as the issue specifies. */
export const PAYLOAD_100B = JSON.stringify({ data: 'x'.repeat(89) });
if (PAYLOAD_100B.length !== 100) throw new Error(`payload is ${PAYLOAD_100B.length} bytes`);
