import { ApiReference } from '@scalar/nextjs-api-reference';

export const GET = ApiReference({
  url: '/api/openapi.json',
  pageTitle: 'Folio API reference',
  metaData: { title: 'Folio API reference' },
});
