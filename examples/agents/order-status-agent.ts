/**
 * An example agent module for CHATKIT_AGENT_MODULE: what a migrated Agent Builder workflow looks like once it runs
 * on your own server. Agent Builder's "Export > Agents SDK (TypeScript)" gives you an `Agent` like this one; make it
 * the default export (or a function of the chat's context returning one), point CHATKIT_AGENT_MODULE at the file and
 * restart. Plain TypeScript that Node 24 runs as is (only erasable syntax, explicit file extensions).
 *
 * The tool looks up an order in a small table (stand-in for your database) and returns a ChatKit widget with it.
 */
import { Agent, tool } from '@openai/agents';
import type { AgentContext } from '../../token-server/src/chatkit/index.ts';

const ORDERS: Record<string, { status: string; eta: string; item: string }> = {
  A1001: { status: 'Shipped', eta: 'Thursday', item: 'Blue mug' },
  A1002: { status: 'Preparing', eta: 'next week', item: 'Tea set' },
};

const lookUpOrder = tool({
  name: 'look_up_order',
  description: 'Finds an order by its number (like A1001) and shows its status.',
  parameters: {
    type: 'object',
    properties: { order_number: { type: 'string', description: 'The order number, e.g. A1001.' } },
    required: ['order_number'],
    additionalProperties: false,
  },
  strict: true,
  async execute(input) {
    const orderNumber = (input as { order_number: string }).order_number;
    const order = ORDERS[orderNumber.trim().toUpperCase()];
    if (!order) return JSON.stringify({ found: false, message: `There is no order ${orderNumber}.` });
    // A result with a `widget` is shown to the user as a ChatKit widget; the model reads the rest.
    return JSON.stringify({
      found: true,
      ...order,
      widget: {
        type: 'Card',
        size: 'sm',
        children: [
          { type: 'Title', value: `Order ${orderNumber.toUpperCase()}`, size: 'sm' },
          { type: 'Text', value: order.item },
          { type: 'Row', children: [{ type: 'Badge', label: order.status, color: order.status === 'Shipped' ? 'success' : 'info' }, { type: 'Caption', value: `Arrives ${order.eta}` }] },
        ],
      },
    });
  },
});

/** Called for every turn: the agent may depend on who is chatting (e.g. to scope a database query to them). */
export default function orderStatusAgent(context: AgentContext): Agent {
  return new Agent({
    name: 'Order status',
    instructions: `You help customers of a small shop with their orders. The customer's id is ${context.userId}. Use look_up_order for any order number; never guess a status.`,
    tools: [lookUpOrder],
  });
}
