// The one place zod is extended with `.openapi()`: every contract imports `z` from here,
// so metadata is always available and nothing depends on import order.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
