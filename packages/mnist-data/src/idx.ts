import { MnistDataError } from './errors';

/** The IDX element types, by their type code in the magic number's third byte. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxTypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** A decoded IDX file: its element type, its dimensions and its elements in row-major order. */
export interface IdxData {
  dtype: IdxDtype;
  dims: number[];
  data: IdxTypedArray;
}

export interface ParseIdxOptions {
  /** File name or URL used in error messages. */
  name?: string;
  /**
   * Largest data size accepted, in bytes (default 1 GiB): a header announcing more is refused
   * before anything is inflated or allocated.
   */
  maxBytes?: number;
}

export const DEFAULT_MAX_IDX_BYTES = 2 ** 30;

const DTYPES: Record<number, { dtype: IdxDtype; size: number }> = {
  8: { dtype: 'uint8', size: 1 },
  9: { dtype: 'int8', size: 1 },
  11: { dtype: 'int16', size: 2 },
  12: { dtype: 'int32', size: 4 },
  13: { dtype: 'float32', size: 4 },
  14: { dtype: 'float64', size: 8 },
};

export interface IdxHeader {
  dtype: IdxDtype;
  elementSize: number;
  dims: number[];
  /** Bytes taken by the magic number and the dimension sizes. */
  headerBytes: number;
  /** Total file size the header announces: header plus every element. */
  totalBytes: number;
}

const hex = (value: number) => `0x${value.toString(16).padStart(2, '0')}`;

/**
 * Reads the header from the first bytes of an IDX file, or returns undefined when too few bytes
 * are there yet (so a streaming inflater can call it as chunks arrive).
 */
export function readIdxHeader(
  bytes: Uint8Array,
  options: ParseIdxOptions = {},
): IdxHeader | undefined {
  const name = options.name ?? 'IDX data';
  if (bytes.length < 4) return undefined;
  const [zero0, zero1, typeCode, rank] = bytes as unknown as [number, number, number, number];
  const type = DTYPES[typeCode];
  if (zero0 !== 0 || zero1 !== 0 || type === undefined) {
    const found = Array.from(bytes.subarray(0, 4), hex).join(' ');
    throw new MnistDataError(
      'BAD_MAGIC',
      `${name}: expected an IDX magic number 0x00 0x00 <type 0x08|0x09|0x0b|0x0c|0x0d|0x0e> <rank>, found ${found}`,
      { file: options.name },
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const elements = dims.reduce((a, b) => a * b, 1);
  const dataBytes = elements * type.size;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IDX_BYTES;
  if (dataBytes > maxBytes) {
    throw new MnistDataError(
      'OVERSIZED',
      `${name}: header announces ${dims.join('×')} ${type.dtype} = ${dataBytes} bytes, more than the ${maxBytes}-byte limit`,
      { file: options.name },
    );
  }
  return {
    dtype: type.dtype,
    elementSize: type.size,
    dims,
    headerBytes,
    totalBytes: headerBytes + dataBytes,
  };
}

/**
 * Decodes uncompressed IDX bytes (big-endian, any rank). uint8 data is returned as a view on
 * `bytes` without copying; wider types are converted to the platform's byte order.
 * For gzip input use `parseIdx`, which inflates first.
 */
export function decodeIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxData {
  const name = options.name ?? 'IDX data';
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new MnistDataError(
      'BAD_MAGIC',
      `${name}: expected raw IDX bytes, found gzip data (use the async parseIdx, which inflates it)`,
      { file: options.name },
    );
  }
  const header = readIdxHeader(bytes, options);
  if (header === undefined) {
    const rank = bytes.length >= 4 ? bytes[3] : undefined;
    const needed = rank === undefined ? 4 : 4 + 4 * rank;
    throw new MnistDataError(
      'TRUNCATED',
      `${name}: expected an IDX header of ${needed} bytes, found only ${bytes.length} bytes`,
      { file: options.name },
    );
  }
  checkIdxLength(bytes.length, header, name);
  const { dtype, dims, headerBytes } = header;
  const count = (header.totalBytes - headerBytes) / header.elementSize;
  const data = decodeElements(bytes, headerBytes, count, dtype);
  return { dtype, dims, data };
}

/** Throws TRUNCATED or OVERSIZED when `length` differs from what the header announces. */
export function checkIdxLength(length: number, header: IdxHeader, name: string): void {
  if (length === header.totalBytes) return;
  const what = `${header.dims.join('×')} ${header.dtype}`;
  throw new MnistDataError(
    length < header.totalBytes ? 'TRUNCATED' : 'OVERSIZED',
    `${name}: header announces ${what}, so ${header.totalBytes} bytes are expected, found ${length} bytes`,
    { file: name },
  );
}

function decodeElements(
  bytes: Uint8Array,
  offset: number,
  count: number,
  dtype: IdxDtype,
): IdxTypedArray {
  if (dtype === 'uint8') return bytes.subarray(offset, offset + count);
  if (dtype === 'int8') return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  switch (dtype) {
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}
