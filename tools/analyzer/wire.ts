/**
 * The Analyzer messages on the hot path, written and read as protobuf bytes directly.
 *
 * Building google-protobuf objects (a `Value` message per JSON value, a `Struct` with a map per
 * object) for every resource, then serializing them, cost the runner as much CPU as the pack spent
 * on the resource, and kept ~10,000 Struct trees alive until analyzeStack. The writer below emits
 * the same bytes google-protobuf emits for the same message (fields in number order, proto3
 * defaults omitted, Struct map keys sorted as jspb.Map sorts them); test/analyzer/wire.test.ts
 * compares them byte for byte. The reader decodes only what the runner uses from an
 * AnalyzeResponse: the diagnostics (the not-applicable list is skipped).
 *
 * Field numbers: pulumi/pulumi proto/pulumi/analyzer.proto (as generated in
 * @pulumi/pulumi/proto/analyzer_pb.js) and google/protobuf/struct.proto.
 */
import type { EnforcementLevel, PlannedResource, Severity } from "../plan/model";

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** An append-only protobuf writer; nested messages are length-prefixed in place. */
export class ProtoWriter {
  private buffer: Buffer;
  private position = 0;
  private readonly starts: number[] = [];

  constructor(initialBytes = 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  private ensure(extra: number): void {
    const needed = this.position + extra;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }

  /** A non-negative integer below 2^53 (tags, lengths, enums, bools). */
  varint(value: number): void {
    this.ensure(8);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.position++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.position++] = rest;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** A string field, written even when empty (oneof members, repeated elements). */
  stringAlways(field: number, value: string): void {
    this.tag(field, LENGTH_DELIMITED);
    const length = Buffer.byteLength(value, "utf8");
    this.varint(length);
    this.ensure(length);
    this.position += this.buffer.write(value, this.position, length, "utf8");
  }

  /** A proto3 string field: omitted when empty. */
  string(field: number, value: string): void {
    if (value !== "") this.stringAlways(field, value);
  }

  repeatedString(field: number, values: readonly string[]): void {
    for (const value of values) this.stringAlways(field, value);
  }

  /** A proto3 bool field: omitted when false. */
  bool(field: number, value: boolean): void {
    if (value) this.boolAlways(field, value);
  }

  boolAlways(field: number, value: boolean): void {
    this.tag(field, VARINT);
    this.varint(value ? 1 : 0);
  }

  doubleAlways(field: number, value: number): void {
    this.tag(field, FIXED64);
    this.ensure(8);
    this.position = this.buffer.writeDoubleLE(value, this.position);
  }

  /** An embedded message already encoded. */
  message(field: number, bytes: Uint8Array): void {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.position);
    this.position += bytes.length;
  }

  /** Starts an embedded message; its fields follow until `end()`. */
  begin(field: number): void {
    this.tag(field, LENGTH_DELIMITED);
    this.ensure(1);
    // One byte is reserved for the length; longer lengths move the body along in end().
    this.starts.push(this.position);
    this.position += 1;
  }

  end(): void {
    const start = this.starts.pop();
    if (start === undefined) throw new Error("ProtoWriter.end() without begin()");
    const length = this.position - start - 1;
    let size = 1;
    for (let rest = length; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
    if (size > 1) {
      this.ensure(size - 1);
      this.buffer.copyWithin(start + size, start + 1, this.position);
      this.position += size - 1;
    }
    const end = this.position;
    this.position = start;
    this.varint(length);
    this.position = end;
  }

  /** The bytes written so far, as a buffer of their own. */
  finish(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.position));
  }
}

// google.protobuf.Value: null_value = 1, number_value = 2, string_value = 3, bool_value = 4,
// struct_value = 5, list_value = 6. Struct: map<string, Value> fields = 1 (entry: key = 1,
// value = 2). ListValue: repeated Value values = 1.

/** The fields of a Value message for `value`, as google-protobuf's Value.fromJavaScript writes them. */
function writeValueFields(writer: ProtoWriter, value: unknown): void {
  if (value === null) {
    writer.boolAlways(1, false); // NULL_VALUE is the enum's 0, written because it is a oneof member.
    return;
  }
  switch (typeof value) {
    case "string":
      writer.stringAlways(3, value);
      return;
    case "number":
      writer.doubleAlways(2, value);
      return;
    case "boolean":
      writer.boolAlways(4, value);
      return;
    case "object":
      if (Array.isArray(value)) {
        writer.begin(6);
        for (const item of value) {
          writer.begin(1);
          writeValueFields(writer, item);
          writer.end();
        }
        writer.end();
      } else {
        writer.begin(5);
        writeStructFields(writer, value as Record<string, unknown>);
        writer.end();
      }
      return;
    default:
      // As google-protobuf: undefined, functions, symbols and bigints have no Value form.
      throw new Error("Unexpected struct type.");
  }
}

function writeStructFields(writer: ProtoWriter, object: Record<string, unknown>): void {
  // jspb.Map writes its entries sorted by key (string order); so does this.
  const keys: string[] = [];
  for (const key in object) keys.push(key);
  keys.sort();
  for (const key of keys) {
    writer.begin(1);
    writer.stringAlways(1, key);
    writer.begin(2);
    writeValueFields(writer, object[key]);
    writer.end();
    writer.end();
  }
}

/** A google.protobuf.Struct message for a JSON object (the bytes of `Struct.fromJavaScript(object)`). */
export function encodeStruct(object: Record<string, unknown>): Buffer {
  const writer = new ProtoWriter();
  writeStructFields(writer, object);
  return writer.finish();
}

/** AnalyzerProviderResource: type = 1, properties = 2, urn = 3, name = 4. */
export function encodeProviderResource(provider: PlannedResource, properties: Uint8Array): Buffer {
  const writer = new ProtoWriter(properties.length + 256);
  writer.string(1, provider.type);
  writer.message(2, properties);
  writer.string(3, provider.urn);
  writer.string(4, provider.name);
  return writer.finish();
}

/**
 * AnalyzerResourceOptions as marshalResourceOptions fills it: protect = 1, aliases = 6,
 * customTimeouts = 7 (always present, empty), parent = 8 (analyze only).
 */
function writeOptions(
  writer: ProtoWriter,
  field: number,
  resource: PlannedResource,
  withParent: boolean,
): void {
  writer.begin(field);
  writer.bool(1, resource.protect);
  writer.repeatedString(6, resource.aliases ?? []);
  writer.begin(7);
  writer.end();
  if (withParent && resource.parent) writer.string(8, resource.parent);
  writer.end();
}

/** AnalyzeRequest: type = 1, properties = 2, urn = 3, name = 4, options = 5, provider = 6. */
export function encodeAnalyzeRequest(
  resource: PlannedResource,
  properties: Uint8Array,
  provider: Uint8Array | undefined,
): Buffer {
  const writer = new ProtoWriter(properties.length + 512);
  writer.string(1, resource.type);
  writer.message(2, properties);
  writer.string(3, resource.urn);
  writer.string(4, resource.name);
  writeOptions(writer, 5, resource, true);
  if (provider) writer.message(6, provider);
  return writer.finish();
}

/**
 * AnalyzeStackRequest: resources = 1, each an AnalyzerResource: type = 1, properties = 2, urn = 3,
 * name = 4, options = 5, provider = 6, parent = 7, dependencies = 8, propertyDependencies = 9.
 */
export function encodeAnalyzeStackRequest(
  resources: readonly PlannedResource[],
  propertiesOf: (resource: PlannedResource) => Uint8Array,
  providerOf: (resource: PlannedResource) => Uint8Array | undefined,
): Buffer {
  const writer = new ProtoWriter(64 * 1024);
  for (const resource of resources) {
    writer.begin(1);
    writer.string(1, resource.type);
    writer.message(2, propertiesOf(resource));
    writer.string(3, resource.urn);
    writer.string(4, resource.name);
    writeOptions(writer, 5, resource, false);
    const provider = providerOf(resource);
    if (provider) writer.message(6, provider);
    writer.string(7, resource.parent ?? "");
    writer.repeatedString(8, resource.dependencies ?? []);
    // propertyDependencies = 9: map<string, AnalyzerPropertyDependencies { urns = 1 }>, as the
    // engine's AnalyzeStack sends them (sdk/go/common/resource/plugin/analyzer_plugin.go).
    for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
      writer.begin(9);
      writer.string(1, property);
      writer.begin(2);
      writer.repeatedString(1, urns);
      writer.end();
      writer.end();
    }
    writer.end();
  }
  return writer.finish();
}

/** A diagnostic as the runner uses it (the levels and severities decoded as the engine does). */
export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  enforcementLevel: EnforcementLevel;
  severity: Severity;
  urn: string;
  message: string;
}

/** pulumirpc.EnforcementLevel: ADVISORY = 0, MANDATORY = 1, DISABLED = 2, REMEDIATE = 3. */
const levels: Record<number, EnforcementLevel> = {
  0: "advisory",
  1: "mandatory",
  2: "disabled",
  3: "remediate",
};
/** pulumirpc.PolicySeverity: UNSPECIFIED = 0, LOW = 1, MEDIUM = 2, HIGH = 3, CRITICAL = 4. */
const severities: Record<number, Severity> = { 0: "", 1: "low", 2: "medium", 3: "high", 4: "critical" };

class ProtoReader {
  position: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly limit = bytes.length,
  ) {
    this.position = start;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.position >= this.limit) throw new Error("truncated varint in AnalyzeResponse");
      const byte = this.bytes[this.position++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
    }
    throw new Error("malformed varint in AnalyzeResponse");
  }

  /** Skips a field's value of the given wire type. */
  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === FIXED64) this.position += 8;
    else if (wireType === LENGTH_DELIMITED) {
      const length = this.varint();
      this.position += length;
    } else if (wireType === FIXED32) this.position += 4;
    else throw new Error(`unsupported wire type ${wireType} in AnalyzeResponse`);
    if (this.position > this.limit) throw new Error("truncated field in AnalyzeResponse");
  }

  string(): string {
    const length = this.varint();
    const end = this.position + length;
    if (end > this.limit) throw new Error("truncated string in AnalyzeResponse");
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.position, length).toString(
      "utf8",
    );
    this.position = end;
    return text;
  }
}

/** AnalyzeDiagnostic: policyName = 1, policyPackName = 2, message = 5, enforcementLevel = 7, urn = 8, severity = 9. */
function readDiagnostic(reader: ProtoReader, end: number): Diagnostic {
  const diagnostic: Diagnostic = {
    policyName: "",
    policyPackName: "",
    enforcementLevel: "advisory",
    severity: "",
    urn: "",
    message: "",
  };
  const inner = new ProtoReader(reader.bytes, reader.position, end);
  while (inner.position < end) {
    const key = inner.varint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 1 && wireType === LENGTH_DELIMITED) diagnostic.policyName = inner.string();
    else if (field === 2 && wireType === LENGTH_DELIMITED) diagnostic.policyPackName = inner.string();
    else if (field === 5 && wireType === LENGTH_DELIMITED) diagnostic.message = inner.string();
    else if (field === 8 && wireType === LENGTH_DELIMITED) diagnostic.urn = inner.string();
    else if (field === 7 && wireType === VARINT) {
      const value = inner.varint();
      const level = levels[value];
      // convertEnforcementLevel: an out-of-range value is an error in the engine too.
      if (!level) throw new Error(`invalid enforcement level ${value}`);
      diagnostic.enforcementLevel = level;
    } else if (field === 9 && wireType === VARINT) diagnostic.severity = severities[inner.varint()] ?? "";
    else inner.skip(wireType);
  }
  reader.position = end;
  return diagnostic;
}

/** The diagnostics of an AnalyzeResponse (diagnostics = 2; notApplicable = 3 is skipped). */
export function decodeAnalyzeResponse(bytes: Uint8Array): Diagnostic[] {
  const reader = new ProtoReader(bytes);
  const diagnostics: Diagnostic[] = [];
  while (reader.position < reader.limit) {
    const key = reader.varint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 2 && wireType === LENGTH_DELIMITED) {
      const length = reader.varint();
      const end = reader.position + length;
      if (end > reader.limit) throw new Error("truncated diagnostic in AnalyzeResponse");
      diagnostics.push(readDiagnostic(reader, end));
    } else {
      reader.skip(wireType);
    }
  }
  return diagnostics;
}
