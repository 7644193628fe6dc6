import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { AppError } from '../../errors.js';
import type { BillingService } from './service.js';

const TAGS = ['Billing'];
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

const Subscription = Type.Object({
  plan: Type.String(),
  status: Type.String(),
  // Integers, never null: the PHP SDK declares int (null is a TypeError), so "no limit" is 0.
  limits: Type.Object({
    plan: Type.String(),
    messages_per_month: Type.Integer({ description: '0 = unlimited (HOOKBRIDGE_MONTHLY_MESSAGE_QUOTA)' }),
    max_projects: Type.Integer({ description: '0 = unlimited' }),
    max_endpoints: Type.Integer({ description: '0 = unlimited' }),
    retention_days: Type.Integer(),
  }),
  usage: Type.Object({
    messages_used: Type.Integer(),
    period_start: Type.String({ format: 'date-time' }),
    period_end: Type.String({ format: 'date-time' }),
  }),
  cancel_at_period_end: Type.Boolean(),
  current_period_end: Type.String({ format: 'date-time' }),
});

const UsageRow = Type.Object({
  period_start: Type.String({ format: 'date' }),
  period_end: Type.String({ format: 'date' }),
  message_count: Type.Integer(),
  overage_count: Type.Integer(),
  plan_limit: NullableInt,
});

const HistoryQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 24, default: 12 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

const InvoicesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  starting_after: Type.Optional(Type.String()),
});

const NOT_SUPPORTED = { 501: Type.Ref('ErrorEnvelope') };

export function billingRoutes({ billing }: { billing: BillingService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/billing/subscription',
      {
        schema: {
          tags: TAGS,
          summary: 'The configured self-hosted plan and limits, with live-mode usage of this UTC month',
          response: { 200: Envelope(Subscription), ...COMMON_ERRORS },
        },
      },
      async (request) => ok(request, await billing.subscription(projectIdOf(request))),
    );

    app.get(
      '/v1/billing/usage-history',
      {
        schema: {
          tags: TAGS,
          summary: 'Live-mode messages per calendar month (UTC), newest first',
          querystring: HistoryQuery,
          response: {
            200: Envelope(Type.Array(UsageRow), {
              total: Type.Integer(),
              limit: Type.Integer(),
              offset: Type.Integer(),
              has_more: Type.Boolean(),
            }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const { limit, offset } = request.query;
        const { rows, total } = await billing.usageHistory(projectIdOf(request), { limit, offset });
        return ok(request, rows, { total, limit, offset, has_more: offset + rows.length < total });
      },
    );

    app.get(
      '/v1/billing/invoices',
      {
        schema: {
          tags: TAGS,
          summary: 'Always empty: a self-hosted server issues no invoices',
          querystring: InvoicesQuery,
          response: {
            200: Envelope(Type.Array(Type.Object({})), { has_more: Type.Boolean() }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        projectIdOf(request);
        return ok(request, [], { has_more: false });
      },
    );

    for (const [path, what] of [
      ['/v1/billing/checkout', 'Checkout'],
      ['/v1/billing/portal', 'The billing portal'],
    ] as const) {
      app.post(
        path,
        {
          schema: {
            tags: TAGS,
            summary: `${what} is not available on a self-hosted server (501)`,
            response: { ...COMMON_ERRORS, ...NOT_SUPPORTED },
          },
        },
        async () => {
          throw new AppError(
            'NOT_SUPPORTED',
            `${what} is not available on a self-hosted HookBridge server: the plan and its limits are set by the operator (HOOKBRIDGE_PLAN_NAME, HOOKBRIDGE_MONTHLY_MESSAGE_QUOTA)`,
          );
        },
      );
    }
  };
}
