import { MemoryStore } from './memory.js';
import { describeStateStore } from './store.conformance.js';

describeStateStore('MemoryStore', () => new MemoryStore());
