// Node 20 does not pass tsx's loader hooks to worker threads; register them here.
import {register} from 'tsx/esm/api';

register();
await import('./load-worker.ts');
