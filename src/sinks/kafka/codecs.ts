// kafkajs ships only gzip; Snappy, LZ4 and Zstandard come from maintained packages that need no
// compiler (napi-rs prebuilt packages from npm; zstd as WebAssembly), registered once, on demand.
import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';

// kafkajs is CommonJS: Node's ESM loader cannot see its named exports.
const { CompressionCodecs, CompressionTypes } = kafkajs;
import type { Compression } from './options.js';

const require = createRequire(import.meta.url);

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

// Java clients frame Snappy the xerial way (magic, version, then length-prefixed blocks); brokers
// accept raw Snappy too, which is what we write. Reading handles both.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

function snappyCodec(): Codec {
  const snappy = require('snappy') as typeof import('snappy');
  return {
    async compress(encoder) {
      return snappy.compress(encoder.buffer);
    },
    async decompress(buffer) {
      if (buffer.length < 16 || !buffer.subarray(0, 8).equals(XERIAL_MAGIC)) return snappy.uncompress(buffer) as Promise<Buffer>;
      const parts: Buffer[] = [];
      for (let at = 16; at < buffer.length; ) {
        const size = buffer.readUInt32BE(at);
        parts.push((await snappy.uncompress(buffer.subarray(at + 4, at + 4 + size))) as Buffer);
        at += 4 + size;
      }
      return Buffer.concat(parts);
    },
  };
}

function lz4Codec(): Codec {
  // Kafka's LZ4 is the LZ4 frame format with independent blocks, which lz4_flex writes by default.
  const lz4 = require('lz4-napi') as typeof import('lz4-napi');
  return {
    async compress(encoder) {
      return lz4.compressFrame(encoder.buffer);
    },
    async decompress(buffer) {
      return lz4.decompressFrame(buffer);
    },
  };
}

async function zstdCodec(): Promise<Codec> {
  const zstd = await import('@bokuweb/zstd-wasm');
  await zstd.init();
  return {
    async compress(encoder) {
      return Buffer.from(zstd.compress(encoder.buffer, 3));
    },
    async decompress(buffer) {
      return Buffer.from(zstd.decompress(buffer));
    },
  };
}

const registered = new Set<Compression>();

/** Makes kafkajs able to write (and read) `compression`; throws when the codec package cannot load. */
export async function registerCodec(compression: Compression): Promise<kafkajs.CompressionTypes> {
  const type = {
    none: CompressionTypes.None,
    gzip: CompressionTypes.GZIP,
    snappy: CompressionTypes.Snappy,
    lz4: CompressionTypes.LZ4,
    zstd: CompressionTypes.ZSTD,
  }[compression];
  if (registered.has(compression) || compression === 'none' || compression === 'gzip') return type;
  const codec = compression === 'snappy' ? snappyCodec() : compression === 'lz4' ? lz4Codec() : await zstdCodec();
  (CompressionCodecs as Record<number, () => Codec>)[type] = () => codec;
  registered.add(compression);
  return type;
}
