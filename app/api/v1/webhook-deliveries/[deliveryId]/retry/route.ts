import { route } from '@/server/http/route';
import { retryWebhookDelivery } from '@/server/webhooks/handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(retryWebhookDelivery);
