using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace QuantFeatures.Storage.Sqlite.Internal;

/// <summary>
/// How a double is kept in a column declared ANY (never REAL: a REAL column turns −0.0 into the integer 0, and SQLite
/// turns NaN into NULL). A value column holds NULL for <see cref="double.NaN"/> (the only NaN .NET produces), an 8-byte
/// BLOB of the exact bits for any other NaN payload, and the double itself otherwise; every field of a record is a
/// non-nullable double, so NULL ⇒ NaN is unambiguous. A key column (part of a primary key, where NULL is not allowed
/// and −0.0 = 0.0 in comparisons) holds a BLOB for every NaN and for −0.0, so that distinct bit patterns stay distinct keys.
/// </summary>
internal static class ValueCodec
{
    private static readonly long CanonicalNaN = BitConverter.DoubleToInt64Bits(double.NaN);
    private static readonly long NegativeZero = BitConverter.DoubleToInt64Bits(-0.0);

    /// <summary>The parameter value of a value column.</summary>
    public static object Value(double v)
    {
        if (!double.IsNaN(v))
        {
            return v;
        }

        long bits = BitConverter.DoubleToInt64Bits(v);
        return bits == CanonicalNaN ? DBNull.Value : Bits(bits);
    }

    /// <summary>The parameter value of a key column.</summary>
    public static object Key(double v)
    {
        long bits = BitConverter.DoubleToInt64Bits(v);
        return double.IsNaN(v) || bits == NegativeZero ? Bits(bits) : v;
    }

    /// <summary>Reads a column written by <see cref="Value"/> or <see cref="Key"/>.</summary>
    /// <exception cref="InvalidDataException">A BLOB that is not 8 bytes, or a text value.</exception>
    public static double Read(SqliteDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return double.NaN;
        }

        var type = reader.GetFieldType(ordinal);
        if (type == typeof(double) || type == typeof(long))
        {
            return reader.GetDouble(ordinal);
        }

        if (type == typeof(byte[]))
        {
            var bytes = reader.GetFieldValue<byte[]>(ordinal);
            if (bytes.Length == 8)
            {
                return BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(bytes));
            }
        }

        throw new InvalidDataException($"Column '{reader.GetName(ordinal)}' holds a {type.Name} value where the store keeps a number: the database was changed outside this library.");
    }

    private static byte[] Bits(long bits)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, bits);
        return bytes;
    }
}
