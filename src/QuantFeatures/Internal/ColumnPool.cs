namespace QuantFeatures.Internal;

/// <summary>
/// A pool of exact-length double arrays for the engine's intermediate columns, so that a
/// <see cref="FeatureEngineer"/> run allocates only its output once the pool is warm.
/// </summary>
internal static class ColumnPool
{
    private const int MaxRetainedPerLength = 32;
    private const int MaxLengthsRetained = 4;
    private static readonly Lock Sync = new();
    private static readonly List<(int Length, Stack<double[]> Arrays)> Pools = [];

    public static double[] Rent(int length)
    {
        lock (Sync)
        {
            foreach (var (len, arrays) in Pools)
            {
                if (len == length && arrays.Count > 0)
                {
                    return arrays.Pop();
                }
            }
        }

        return GC.AllocateUninitializedArray<double>(length);
    }

    public static void Return(double[] array)
    {
        lock (Sync)
        {
            for (int i = 0; i < Pools.Count; i++)
            {
                if (Pools[i].Length == array.Length)
                {
                    if (Pools[i].Arrays.Count < MaxRetainedPerLength)
                    {
                        Pools[i].Arrays.Push(array);
                    }

                    if (i > 0)
                    {
                        (Pools[0], Pools[i]) = (Pools[i], Pools[0]);
                    }

                    return;
                }
            }

            if (Pools.Count >= MaxLengthsRetained)
            {
                Pools.RemoveAt(Pools.Count - 1);
            }

            var stack = new Stack<double[]>();
            stack.Push(array);
            Pools.Insert(0, (array.Length, stack));
        }
    }
}
