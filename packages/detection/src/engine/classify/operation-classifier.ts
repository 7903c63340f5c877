import { hashString } from '../sketches/hash.js';
import { classifyHttpRequest, classifyOperationName, type OperationClass, STAGE_NONE } from './operation-class.js';
import { methodTemplateHash, type PathShape, pathTemplate, scanPath } from './path-template.js';

/** The fields of an event the classifier reads. */
export interface ClassifiableEvent {
  operation?: string | undefined;
  method?: string | undefined;
  path?: string | undefined;
}

const UNKNOWN: OperationClass = { name: '', stage: STAGE_NONE, read: false, dataRead: false, privilege: 'none', selfKey: false };

/**
 * Classifies events with caches so the hot path is a hash and a map lookup: operation names are cached by
 * string, HTTP requests by a hash of method and path template (computed without building the template).
 * Caches are bounded: they are cleared when they grow past `maxEntries` (real traffic has few templates).
 *
 * @example
 * ```ts
 * const c = new OperationClassifier();
 * c.classify({ method: 'GET', path: '/v1/orders/42' }).name; // 'GET /v1/orders/{id}'
 * c.shape.numericId; // 42
 * ```
 */
export class OperationClassifier {
  /** Path shape of the last classified HTTP event (template hash 0 when not HTTP). */
  readonly shape: PathShape = { templateHash: 0, numericId: -1 };
  private readonly byName = new Map<string, OperationClass>();
  private readonly byTemplate = new Map<number, OperationClass>();
  private readonly maxEntries: number;

  constructor(maxEntries = 50_000) {
    this.maxEntries = maxEntries;
  }

  /** Classify one event; also fills {@link OperationClassifier.shape}. */
  classify(ev: ClassifiableEvent): OperationClass {
    this.shape.templateHash = 0;
    this.shape.numericId = -1;
    const op = ev.operation;
    if (op !== undefined && op.length > 0) {
      const slashAt = op.indexOf(' /');
      if (slashAt > 0) return this.classifyHttp(op.slice(0, slashAt), op.slice(slashAt + 1));
      let cls = this.byName.get(op);
      if (cls === undefined) {
        if (this.byName.size >= this.maxEntries) this.byName.clear();
        cls = classifyOperationName(op);
        this.byName.set(op, cls);
      }
      if (ev.path !== undefined) scanPath(ev.path, this.shape);
      return cls;
    }
    if (ev.path !== undefined && ev.path.length > 0) return this.classifyHttp(ev.method ?? 'GET', ev.path);
    return UNKNOWN;
  }

  private classifyHttp(method: string, path: string): OperationClass {
    scanPath(path, this.shape);
    const key = methodTemplateHash(method, this.shape.templateHash);
    let cls = this.byTemplate.get(key);
    if (cls === undefined) {
      if (this.byTemplate.size >= this.maxEntries) this.byTemplate.clear();
      cls = classifyHttpRequest(method, pathTemplate(path));
      this.byTemplate.set(key, cls);
    }
    return cls;
  }
}

/**
 * Hash of the "resource class" an event touches, for "data never accessed before": the ARN up to its
 * first path separator (an S3 bucket, a DynamoDB table, a secret) or, without a resource, the operation.
 * Hashes a substring without allocating.
 *
 * @example
 * ```ts
 * resourceClassHash('arn:aws:s3:::payroll/2026/jan.csv', 'GET /x'); // same as for 'arn:aws:s3:::payroll/other'
 * ```
 */
export function resourceClassHash(resource: string | undefined, fallback: string): number {
  if (resource === undefined || resource.length === 0) return hashString(fallback);
  let end = resource.length;
  let colons = 0;
  for (let i = 0; i < resource.length; i++) {
    const c = resource.charCodeAt(i);
    if (c === 58) colons++;
    else if (c === 47 && (colons >= 5 || !resource.startsWith('arn:'))) {
      // keep the first path segment of non-ARN resources ("/orders/..." → "/orders")
      if (i === 0) continue;
      end = i;
      break;
    }
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < end; i++) {
    h ^= resource.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  return h === 0 ? 1 : h;
}
