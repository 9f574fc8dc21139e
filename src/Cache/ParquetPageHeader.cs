namespace Distill.Cache;

/// <summary>
/// The fields of a Parquet page header (Thrift compact protocol) that <see cref="BlobColumnChunk"/> needs; every
/// other field is skipped. Parquet.Net keeps its own header reader internal, so the tensor columns, read straight
/// from the mapped shard, parse their page headers here.
/// </summary>
/// <param name="Type">PageType: 0 data page (v1), 2 dictionary page, 3 data page v2.</param>
/// <param name="UncompressedSize">Bytes of the page's content after decompression, header excluded.</param>
/// <param name="CompressedSize">Bytes of the page's content as stored, header excluded.</param>
/// <param name="Values">A v1 data page's value count (levels included), -1 for other pages.</param>
/// <param name="Encoding">A v1 data page's value encoding (0 = PLAIN), -1 for other pages.</param>
internal readonly record struct ParquetPageHeader(int Type, int UncompressedSize, int CompressedSize, int Values, int Encoding)
{
    public const int DataPage = 0;
    public const int Plain = 0;

    // Thrift compact type ids.
    private const byte Stop = 0, True = 1, False = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12;

    // Headers are a few dozen bytes; anything nested deeper than this is damage, not a header.
    private const int MaxDepth = 16;

    /// <summary>
    /// Parses the header at the start of <paramref name="bytes"/> and returns it with its own size in
    /// <paramref name="size"/>; throws <see cref="InvalidDataException"/> when the bytes are not a header.
    /// </summary>
    public static ParquetPageHeader Read(ReadOnlySpan<byte> bytes, out int size)
    {
        var reader = new Reader(bytes);
        int type = -1, uncompressed = -1, compressed = -1, values = -1, encoding = -1;
        short field = 0;
        while (reader.NextField(ref field, out byte kind))
        {
            switch (field)
            {
                case 1 when kind == I32: type = reader.Int32(); break;
                case 2 when kind == I32: uncompressed = reader.Int32(); break;
                case 3 when kind == I32: compressed = reader.Int32(); break;
                case 5 when kind == Struct:
                    short inner = 0;
                    while (reader.NextField(ref inner, out byte innerKind))
                    {
                        switch (inner)
                        {
                            case 1 when innerKind == I32: values = reader.Int32(); break;
                            case 2 when innerKind == I32: encoding = reader.Int32(); break;
                            default: reader.Skip(innerKind, 1); break;
                        }
                    }
                    break;
                default: reader.Skip(kind, 0); break;
            }
        }
        if (type < 0 || uncompressed < 0 || compressed < 0)
        {
            throw new InvalidDataException($"page header lacks its type or sizes (type {type}, sizes {uncompressed}/{compressed})");
        }
        size = reader.Position;
        return new ParquetPageHeader(type, uncompressed, compressed, values, encoding);
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; private set; }

        /// <summary>Reads a field header; false at the struct's STOP. <paramref name="id"/> carries the previous field id in and the new one out.</summary>
        public bool NextField(ref short id, out byte kind)
        {
            byte head = NextByte();
            kind = (byte)(head & 0x0f);
            if (head == Stop)
            {
                return false;
            }
            int delta = head >> 4;
            id = delta != 0 ? (short)(id + delta) : (short)ZigZag(VarInt());
            return true;
        }

        public int Int32() => (int)ZigZag(VarInt());

        public void Skip(byte kind, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new InvalidDataException($"page header nests deeper than {MaxDepth} levels");
            }
            switch (kind)
            {
                case True or False: break;
                case Byte: Advance(1UL); break;
                case I16 or I32 or I64: VarInt(); break;
                case Double: Advance(8UL); break;
                case Binary: Advance(VarInt()); break;
                case List or Set:
                    byte head = NextByte();
                    long count = head >> 4 == 15 ? (long)VarInt() : head >> 4;
                    for (long i = 0; i < count; i++) SkipElement((byte)(head & 0x0f), depth + 1);
                    break;
                case Map:
                    long entries = (long)VarInt();
                    if (entries == 0) break;
                    byte types = NextByte();
                    for (long i = 0; i < entries; i++)
                    {
                        SkipElement((byte)(types >> 4), depth + 1);
                        SkipElement((byte)(types & 0x0f), depth + 1);
                    }
                    break;
                case Struct:
                    short field = 0;
                    while (NextField(ref field, out byte inner)) Skip(inner, depth + 1);
                    break;
                default: throw new InvalidDataException($"page header has a field of unknown Thrift type {kind}");
            }
        }

        // In lists, sets and maps a boolean takes a whole byte.
        private void SkipElement(byte kind, int depth)
        {
            if (kind is True or False) Advance(1UL);
            else Skip(kind, depth);
        }

        private ulong VarInt()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = NextByte();
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw new InvalidDataException("page header has a varint longer than 10 bytes");
        }

        private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

        private byte NextByte()
        {
            if (Position >= _bytes.Length) throw new InvalidDataException("page header runs past its column chunk");
            return _bytes[Position++];
        }

        private void Advance(ulong count)
        {
            if (count > (ulong)(_bytes.Length - Position)) throw new InvalidDataException("page header runs past its column chunk");
            Position += (int)count;
        }
    }
}
