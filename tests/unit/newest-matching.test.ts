import { db } from '../../server/db/index.ts';
import { newestMatchingSuite } from '../support/newest-matching-suite.ts';

newestMatchingSuite('PGlite', async () => db());
