export { aggregationService } from './service.js';
export { readAggregationConfig, type AggregationConfig } from './config.js';
export { foldEvents, emptyState, toAggregates, summarize, type FoldState } from './fold-events.js';
