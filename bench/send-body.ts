/** A send body of about 500 bytes, shaped like a real event. */
export function sendBody(endpointId: string): string {
  const body = {
    endpoint_id: endpointId,
    payload: {
      type: 'invoice.paid',
      id: 'evt_0123456789abcdef',
      created: 1_767_225_600,
      data: {
        invoice: 'in_0123456789abcdef',
        customer: 'cus_0123456789abcdef',
        amount_due: 4200,
        currency: 'eur',
        lines: [{ description: 'Pro plan (monthly)', amount: 4200, quantity: 1 }],
        note: '',
      },
    },
  };
  const size = JSON.stringify(body).length;
  body.payload.data.note = 'x'.repeat(Math.max(0, 500 - size));
  return JSON.stringify(body);
}
