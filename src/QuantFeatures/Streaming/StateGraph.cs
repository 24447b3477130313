using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace QuantFeatures.Streaming;

/// <summary>
/// Writes and restores the complete mutable state of the engine's streams by walking their object graph: every instance
/// field, reached from the streams and their fused steps (closures, kernel states, ring buffers, sorted windows).
/// Restoring writes the values back into an engine built with the same configuration, object for object in the same
/// walk order, so no stream needs code of its own to be snapshotted.
/// </summary>
/// <remarks>Format: per value, primitives in little-endian binary; arrays as length + elements; a reference as 0 (null),
/// 1 (first visit, then its fields) or 2 + an id (already visited). Strings, types and the ambient context are not
/// state and are skipped. A different graph shape on restore is an <see cref="InvalidDataException"/>.</remarks>
internal static class StateGraph
{
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> Fields = new();

    public static void Write(BinaryWriter writer, IReadOnlyList<object> roots)
    {
        var ids = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        foreach (var root in roots)
        {
            WriteReference(writer, root, ids);
        }
    }

    public static void Read(BinaryReader reader, IReadOnlyList<object> roots)
    {
        var seen = new List<object>();
        foreach (var root in roots)
        {
            ReadReferenceInto(reader, root, seen);
        }
    }

    private static bool Skipped(Type type) =>
        type == typeof(string) || typeof(Type).IsAssignableFrom(type) || type == typeof(StreamContext) || typeof(MemberInfo).IsAssignableFrom(type);

    private static FieldInfo[] FieldsOf(Type type) => Fields.GetOrAdd(type, static t =>
    {
        var list = new List<FieldInfo>();
        for (var x = t; x is not null && x != typeof(object); x = x.BaseType)
        {
            list.AddRange(x.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !Skipped(f.FieldType)).OrderBy(f => f.MetadataToken));
        }

        return [.. list];
    });

    private static void WriteReference(BinaryWriter w, object? value, Dictionary<object, int> ids)
    {
        if (value is null || Skipped(value.GetType()))
        {
            w.Write((byte)0);
            return;
        }

        if (ids.TryGetValue(value, out int id))
        {
            w.Write((byte)2);
            w.Write(id);
            return;
        }

        ids[value] = ids.Count;
        w.Write((byte)1);
        if (value is Delegate d)
        {
            WriteReference(w, d.Target, ids); // a delegate's state is its closure
        }
        else if (value is Array array)
        {
            WriteArray(w, array, ids);
        }
        else
        {
            WriteFields(w, value, ids);
        }
    }

    private static void WriteFields(BinaryWriter w, object value, Dictionary<object, int> ids)
    {
        foreach (var f in FieldsOf(value.GetType()))
        {
            WriteValue(w, f.FieldType, f.GetValue(value), ids);
        }
    }

    private static void WriteValue(BinaryWriter w, Type type, object? value, Dictionary<object, int> ids)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            w.Write(value is not null);
            if (value is not null)
            {
                WriteValue(w, underlying, value, ids);
            }

            return;
        }

        if (type.IsEnum)
        {
            type = Enum.GetUnderlyingType(type);
            value = Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
        }

        switch (value)
        {
            case double x when type == typeof(double): w.Write(x); return;
            case long x when type == typeof(long): w.Write(x); return;
            case int x when type == typeof(int): w.Write(x); return;
            case bool x when type == typeof(bool): w.Write(x); return;
            case byte x when type == typeof(byte): w.Write(x); return;
            case ulong x when type == typeof(ulong): w.Write(x); return;
            case uint x when type == typeof(uint): w.Write(x); return;
            case short x when type == typeof(short): w.Write(x); return;
            case float x when type == typeof(float): w.Write(x); return;
        }

        if (type.IsValueType)
        {
            WriteFields(w, value!, ids); // a struct (boxed copy): its fields in order
            return;
        }

        WriteReference(w, value, ids);
    }

    private static void WriteArray(BinaryWriter w, Array array, Dictionary<object, int> ids)
    {
        w.Write(array.Length);
        switch (array)
        {
            case double[] a: w.Write(MemoryMarshal.AsBytes(a.AsSpan())); return;
            case long[] a: w.Write(MemoryMarshal.AsBytes(a.AsSpan())); return;
            case int[] a: w.Write(MemoryMarshal.AsBytes(a.AsSpan())); return;
            case bool[] a: w.Write(MemoryMarshal.AsBytes(a.AsSpan())); return;
        }

        var element = array.GetType().GetElementType()!;
        for (int i = 0; i < array.Length; i++)
        {
            WriteValue(w, element, array.GetValue(i), ids);
        }
    }

    // ---- restore: the same walk, writing into the existing objects -------------------------------------------------

    private static void ReadReferenceInto(BinaryReader r, object? existing, List<object> seen)
    {
        byte tag = r.ReadByte();
        bool present = existing is not null && !Skipped(existing.GetType());
        if (tag == 0)
        {
            if (present)
            {
                throw Mismatch($"a {existing!.GetType().Name} where the snapshot has none");
            }

            return;
        }

        if (tag == 2)
        {
            int id = r.ReadInt32();
            if (!present || id >= seen.Count || !ReferenceEquals(seen[id], existing))
            {
                throw Mismatch("a shared object that is not shared in this engine");
            }

            return;
        }

        if (tag != 1 || !present)
        {
            throw Mismatch(present ? $"an unknown tag {tag}" : "no object where the snapshot has one");
        }

        seen.Add(existing!);
        if (existing is Delegate d)
        {
            ReadReferenceInto(r, d.Target, seen);
        }
        else if (existing is Array)
        {
            throw Mismatch("an array outside a field"); // arrays are read through their fields (they may be resized)
        }
        else
        {
            ReadFieldsInto(r, existing!, seen);
        }
    }

    private static void ReadFieldsInto(BinaryReader r, object target, List<object> seen)
    {
        foreach (var f in FieldsOf(target.GetType()))
        {
            object? current = f.GetValue(target);
            object? restored = ReadValue(r, f.FieldType, current, seen);
            if (f.FieldType.IsValueType || !ReferenceEquals(restored, current))
            {
                f.SetValue(target, restored);
            }
        }
    }

    /// <summary>Reads one value of <paramref name="type"/>; returns the value to store (a new array when the length changed).</summary>
    private static object? ReadValue(BinaryReader r, Type type, object? current, List<object> seen)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return r.ReadBoolean() ? ReadValue(r, underlying, current, seen) : null;
        }

        var t = type.IsEnum ? Enum.GetUnderlyingType(type) : type;
        object? primitive = t == typeof(double) ? r.ReadDouble()
            : t == typeof(long) ? r.ReadInt64()
            : t == typeof(int) ? r.ReadInt32()
            : t == typeof(bool) ? r.ReadBoolean()
            : t == typeof(byte) ? r.ReadByte()
            : t == typeof(ulong) ? r.ReadUInt64()
            : t == typeof(uint) ? r.ReadUInt32()
            : t == typeof(short) ? r.ReadInt16()
            : t == typeof(float) ? r.ReadSingle()
            : null;
        if (primitive is not null)
        {
            return type.IsEnum ? Enum.ToObject(type, primitive) : primitive;
        }

        if (type.IsValueType)
        {
            ReadFieldsInto(r, current!, seen); // the boxed copy, stored back by the caller
            return current;
        }

        if (current is Array array)
        {
            return ReadArray(r, array, seen);
        }

        ReadReferenceInto(r, current, seen);
        return current;
    }

    private static Array? ReadArray(BinaryReader r, Array current, List<object> seen)
    {
        byte tag = r.ReadByte();
        if (tag == 0)
        {
            return null;
        }

        if (tag == 2)
        {
            int id = r.ReadInt32();
            return id < seen.Count && seen[id] is Array shared ? shared : throw Mismatch("a shared array that is not shared in this engine");
        }

        int length = r.ReadInt32();
        var array = current.Length == length ? current : Array.CreateInstance(current.GetType().GetElementType()!, length);
        seen.Add(array);
        switch (array)
        {
            case double[] a: Fill(r, MemoryMarshal.AsBytes(a.AsSpan())); return a;
            case long[] a: Fill(r, MemoryMarshal.AsBytes(a.AsSpan())); return a;
            case int[] a: Fill(r, MemoryMarshal.AsBytes(a.AsSpan())); return a;
            case bool[] a: Fill(r, MemoryMarshal.AsBytes(a.AsSpan())); return a;
        }

        var element = array.GetType().GetElementType()!;
        for (int i = 0; i < length; i++)
        {
            object? old = i < current.Length ? current.GetValue(i) : null;
            array.SetValue(ReadValue(r, element, old, seen), i);
        }

        return array;
    }

    private static void Fill(BinaryReader r, Span<byte> bytes)
    {
        if (r.Read(bytes) != bytes.Length)
        {
            throw new InvalidDataException("The snapshot ends early.");
        }
    }

    private static InvalidDataException Mismatch(string what) =>
        new($"The snapshot does not match this engine's configuration: found {what}.");
}
