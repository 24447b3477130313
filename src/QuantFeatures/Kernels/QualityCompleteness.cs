using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QuantFeatures.Internal;

namespace QuantFeatures.Kernels;

public static partial class Indicators
{
    /// <summary>
    /// Data completeness of each bar: the share of the given columns whose value at t is not NaN.
    /// </summary>
    /// <param name="columns">The frame's present input columns (at least one), all of the same length.</param>
    /// <param name="destination">Output in [0, 1].</param>
    /// <remarks>Lookback 0; never NaN. Columns the frame does not have are not passed and do not count; a sparse source
    /// whose value the loader marked stale (NaN) lowers the share. The count is exact (integers), divided once by the
    /// number of columns, so this equals <see cref="DataCompletenessState.Update"/> bit for bit.</remarks>
    public static void DataCompleteness(ReadOnlySpan<ReadOnlyMemory<double>> columns, Span<double> destination)
    {
        if (columns.IsEmpty)
        {
            throw new ArgumentException("At least one column is needed.", nameof(columns));
        }

        int n = columns[0].Length;
        for (int k = 1; k < columns.Length; k++)
        {
            Guard.SameLength(n, columns[k].Length, $"columns[{k}]");
        }

        CheckDestination(n, destination);
        // Blocks of rows so that the counts stay in L1 while every column is read once.
        const int Block = 2048;
        double total = columns.Length;
        for (int start = 0; start < n; start += Block)
        {
            int end = Math.Min(n, start + Block);
            var count = destination[start..end];
            count.Clear();
            foreach (var column in columns)
            {
                var c = column.Span[start..end];
                for (int i = 0; i < c.Length; i++)
                {
                    count[i] += double.IsNaN(c[i]) ? 0.0 : 1.0;
                }
            }

            for (int i = 0; i < count.Length; i++)
            {
                count[i] /= total;
            }
        }
    }
}

/// <summary>Bar-by-bar step of <see cref="Indicators.DataCompleteness"/>.</summary>
public readonly struct DataCompletenessState
{
    private readonly int _columns;

    /// <summary>Creates the step for rows of <paramref name="columns"/> values (≥ 1).</summary>
    public DataCompletenessState(int columns)
    {
        Guard.Period(columns, nameof(columns));
        _columns = columns;
    }

    /// <summary>The share of the row's values that are not NaN.</summary>
    /// <exception cref="ArgumentException">The row does not have the number of values the state was created for.</exception>
    public double Update(ReadOnlySpan<double> row)
    {
        if (row.Length != _columns)
        {
            Guard.SameLength(_columns, row.Length, nameof(row));
        }

        return Share(Present(row));
    }

    /// <summary>The share of the row's values that are not NaN, given their number.</summary>
    internal double Share(int present) => (double)present / _columns;

    /// <summary>The number of the values that are not NaN.</summary>
    internal static int Present(ReadOnlySpan<double> row)
    {
        // An integer count of the non-NaN values, four at a time: the sum of 0.0/1.0 terms is an exact integer below
        // 2^53, so its conversion is the same double as adding the terms one by one (the batch kernel's form).
        int count = 0;
        int i = 0;
        ref double first = ref MemoryMarshal.GetReference(row);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= row.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                // In bounds: i + 4 ≤ row.Length.
                var v = Vector256.LoadUnsafe(ref first, (nuint)i);
                count += BitOperations.PopCount(Vector256.Equals(v, v).ExtractMostSignificantBits());
            }
        }

        for (; i < row.Length; i++)
        {
            count += double.IsNaN(row[i]) ? 0 : 1;
        }

        return count;
    }
}
