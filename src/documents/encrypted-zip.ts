import { crc32, inflateRawSync } from 'node:zlib';
import { UserError } from '../errors.ts';

/**
 * Reads one member of a ZIP archive protected with traditional PKWARE encryption ("ZipCrypto"),
 * entirely in memory: GPQA's authors ship their questions this way and ask that they never be
 * written out in plain text, so nothing here touches the disk. Stored and deflated members only;
 * AES-encrypted members are refused.
 */
export function readEncryptedZipMember(archive: Buffer, member: string, password: string, file: string): Buffer {
  const entry = centralDirectory(archive, file).find((e) => e.name === member);
  if (!entry) throw new UserError(`the archive has no member ${member}`, { file });
  const local = entry.localOffset;
  if (archive.readUInt32LE(local) !== LOCAL_HEADER) throw new UserError(`member ${member}: bad local header`, { file });
  const dataStart = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
  let data = archive.subarray(dataStart, dataStart + entry.compressedSize);
  if (entry.flags & FLAG_ENCRYPTED) data = decrypt(data, password, entry, file);
  let content: Buffer;
  if (entry.method === STORED) content = Buffer.from(data);
  else if (entry.method === DEFLATED) content = inflateRawSync(data);
  else throw new UserError(`member ${member}: compression method ${entry.method} is not supported`, { file });
  if (content.length !== entry.size || crc32(content) !== entry.crc)
    throw new UserError(`member ${member}: checksum mismatch (wrong password or damaged archive)`, { file });
  return content;
}

interface Entry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly modTime: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const FLAG_ENCRYPTED = 0x1;
const FLAG_DATA_DESCRIPTOR = 0x8;
const STORED = 0;
const DEFLATED = 8;

function centralDirectory(archive: Buffer, file: string): Entry[] {
  // The end record is at least 22 bytes from the end, followed by a comment of up to 64 KiB.
  let end = -1;
  for (let i = archive.length - 22; i >= Math.max(0, archive.length - 22 - 0xffff); i--) {
    if (archive.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new UserError('not a ZIP archive (no end-of-directory record)', { file });
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== CENTRAL_HEADER) throw new UserError('damaged ZIP central directory', { file });
    const nameLength = archive.readUInt16LE(at + 28);
    entries.push({
      flags: archive.readUInt16LE(at + 8),
      method: archive.readUInt16LE(at + 10),
      modTime: archive.readUInt16LE(at + 12),
      crc: archive.readUInt32LE(at + 16),
      compressedSize: archive.readUInt32LE(at + 20),
      size: archive.readUInt32LE(at + 24),
      localOffset: archive.readUInt32LE(at + 42),
      name: archive.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
  }
  return entries;
}

/** APPNOTE 6.1: three 32-bit keys stirred by the password, then by each plaintext byte. */
function decrypt(data: Buffer, password: string, entry: Entry, file: string): Buffer {
  const keys = new Uint32Array([0x12345678, 0x23456789, 0x34567890]);
  const update = (byte: number) => {
    keys[0] = crcByte(keys[0]!, byte);
    keys[1] = (Math.imul(keys[1]! + (keys[0]! & 0xff), 134775813) + 1) >>> 0;
    keys[2] = crcByte(keys[2]!, keys[1]! >>> 24);
  };
  for (const byte of Buffer.from(password, 'utf8')) update(byte);
  const out = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) {
    const t = (keys[2]! | 2) & 0xffff;
    const plain = data[i]! ^ ((Math.imul(t, t ^ 1) >>> 8) & 0xff);
    out[i] = plain;
    update(plain);
  }
  // The 12-byte header's last byte repeats the CRC's high byte (or the time's, when sizes follow
  // the data): a cheap early check that the password is right.
  const check = entry.flags & FLAG_DATA_DESCRIPTOR ? (entry.modTime >>> 8) & 0xff : entry.crc >>> 24;
  if (out[11] !== check) throw new UserError(`member ${entry.name}: wrong password`, { file });
  return out.subarray(12);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crcByte(crc: number, byte: number): number {
  return (CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)) >>> 0;
}
