import * as contract from '../../contracts/tags/operations.ts';
import { bind } from '../http/bind.ts';
import { respond } from '../http/respond.ts';
import * as tags from './service.ts';

export const listTags = bind(contract.listTags, async () => respond(200, { data: await tags.listTags() }));
