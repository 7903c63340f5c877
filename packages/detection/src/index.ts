/**
 * TokenWarden detection: log ingestion (CloudTrail, OCSF, Okta, nginx/Apache, native JSON lines),
 * offline enrichment (geo, ASN, network kind, user agent), the streaming detection pipeline in
 * event-time order, and alert output (native JSON lines, OCSF Detection Finding).
 *
 * @packageDocumentation
 */

export * from './engine/index.js';
export * from './enrich/asn-kind.js';
export * from './enrich/asn-table.js';
export * from './enrich/enricher.js';
export * from './enrich/ip-intel.js';
export * from './enrich/user-agent.js';
export * from './enriched-event.js';
export * from './ingest/lifecycle-signals.js';
export * from './ingest/open-input.js';
export * from './ingest/parse-record.js';
export * from './ingest/parsers/cloudtrail.js';
export * from './ingest/parsers/native.js';
export * from './ingest/parsers/nginx.js';
export * from './ingest/parsers/ocsf.js';
export * from './ingest/parsers/okta.js';
export * from './ingest/record-splitter.js';
export * from './ingest/time-and-ip.js';
export * from './ingest/types.js';
export * from './output/alert-output.js';
export * from './pipeline/detection-pipeline.js';
export * from './pipeline/detection-worker.js';
export * from './pipeline/engine-port.js';
export * from './pipeline/engine-state-store.js';
export * from './pipeline/reorder-buffer.js';
