import { hashString } from '../sketches/hash.js';
import { classifyHttpRequest, classifyOperationName, type OperationClass, STAGE_NONE } from './operation-class.js';
import { lastNumericSegment, methodTemplateHash, type PathShape, pathTemplate, scanPath } from './path-template.js';

/** The fields of an event the classifier reads. */
export interface ClassifiableEvent {
  operation?: string | undefined;
  method?: string | undefined;
  path?: string | undefined;
}

/** Slots of the direct-mapped cache in front of the HTTP-operation map (a power of two). */
const RECENT_SLOTS = 256;

const UNKNOWN: OperationClass = {
  name: '',
  stage: STAGE_NONE,
  read: false,
  dataRead: false,
  privilege: 'none',
  selfKey: false,
  blinds: false,
  abuse: 0,
};

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
  /** `hashString(name)` of the last class returned (0 when it has no name), cached with the class. */
  opHash = 0;
  private readonly byName = new Map<string, CachedClass>();
  private readonly byTemplate = new Map<number, CachedClass>();
  /** HTTP operations given as one string (`GET /v1/orders/{id}`): class and path shape depend only on the string. */
  private readonly byHttpOperation = new Map<string, CachedHttpOperation>();
  private readonly maxEntries: number;
  private readonly recentOps: Array<string | undefined> = new Array<string | undefined>(RECENT_SLOTS).fill(undefined);
  private readonly recentHits: Array<CachedHttpOperation | undefined> = new Array<CachedHttpOperation | undefined>(RECENT_SLOTS).fill(
    undefined,
  );

  constructor(maxEntries = 50_000) {
    this.maxEntries = maxEntries;
  }

  /** Classify one event; also fills {@link OperationClassifier.shape} and {@link OperationClassifier.opHash}. */
  classify(ev: ClassifiableEvent): OperationClass {
    const shape = this.shape;
    shape.templateHash = 0;
    shape.numericId = -1;
    const op = ev.operation;
    if (op !== undefined && op.length > 0) {
      const slashAt = op.indexOf(' /');
      if (slashAt > 0) {
        const cls = this.classifyHttpOperation(op, slashAt);
        // A route template (`GET /v1/invoices/{id}`) beside the path it matched: the object id is in the path, and a
        // walk of ids (BOLA) is told by it. The endpoint stays the template's.
        if (shape.numericId < 0 && ev.path !== undefined && op.indexOf('{') > slashAt) shape.numericId = lastNumericSegment(ev.path);
        return cls;
      }
      let c = this.byName.get(op);
      if (c === undefined) {
        if (this.byName.size >= this.maxEntries) this.byName.clear();
        c = cached(classifyOperationName(op));
        this.byName.set(op, c);
      }
      if (ev.path !== undefined) scanPath(ev.path, shape);
      this.opHash = c.nameHash;
      return c.cls;
    }
    if (ev.path !== undefined && ev.path.length > 0) return this.classifyHttp(ev.method ?? 'GET', ev.path);
    this.opHash = 0;
    return UNKNOWN;
  }

  private classifyHttpOperation(op: string, slashAt: number): OperationClass {
    // A small direct-mapped cache in front of the map (picked by length and two characters): each event's
    // operation is a new string, which a Map lookup hashes in full; comparing with one candidate is cheaper.
    const n = op.length;
    const slot = (n * 31 + op.charCodeAt(n >> 1) * 7 + op.charCodeAt(n - 1)) & (RECENT_SLOTS - 1);
    let c = this.recentOps[slot] === op ? this.recentHits[slot] : undefined;
    if (c === undefined) {
      c = this.byHttpOperation.get(op);
      if (c === undefined) {
        const cls = this.classifyHttp(op.slice(0, slashAt), op.slice(slashAt + 1));
        c = { cls, nameHash: this.opHash, templateHash: this.shape.templateHash, numericId: this.shape.numericId };
        // Operations that embed ids vary per event: the cache is bounded like the others.
        if (this.byHttpOperation.size >= this.maxEntries) this.byHttpOperation.clear();
        this.byHttpOperation.set(op, c);
      }
      this.recentOps[slot] = op;
      this.recentHits[slot] = c;
    }
    this.shape.templateHash = c.templateHash;
    this.shape.numericId = c.numericId;
    this.opHash = c.nameHash;
    return c.cls;
  }

  private classifyHttp(method: string, path: string): OperationClass {
    scanPath(path, this.shape);
    const key = methodTemplateHash(method, this.shape.templateHash);
    let c = this.byTemplate.get(key);
    if (c === undefined) {
      if (this.byTemplate.size >= this.maxEntries) this.byTemplate.clear();
      c = cached(classifyHttpRequest(method, pathTemplate(path)));
      this.byTemplate.set(key, c);
    }
    this.opHash = c.nameHash;
    return c.cls;
  }
}

/** A class with the hash of its name, computed once per distinct operation instead of once per event. */
interface CachedClass {
  cls: OperationClass;
  nameHash: number;
}

/** A whole HTTP operation string's class and path shape. */
interface CachedHttpOperation extends CachedClass {
  templateHash: number;
  numericId: number;
}

function cached(cls: OperationClass): CachedClass {
  return { cls, nameHash: cls.name.length > 0 ? hashString(cls.name) : 0 };
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
